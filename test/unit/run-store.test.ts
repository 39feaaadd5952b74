// A run's state.json holds its plan and secrets; every later command reads
// it. It must be replaced whole: a crash in the middle of writing it (the
// process killed, the disk full) leaves the previous state as it was, and the
// file that was there is never opened for writing.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, linkSync, mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { loadRunState, runDir, saveRunState, type RunState } from '../../src/engine/run-store.js';

const RUN_STORE = new URL('../../src/engine/run-store.js', import.meta.url).href;

/** Only what saveRunState looks at, and a payload of `bytes` to make the file as large as wanted. */
function state(run: string, label: string, bytes: number): RunState {
  return { run, plan: { containers: [] }, label, payload: 'x'.repeat(bytes) } as unknown as RunState;
}

function withHome<T>(work: (home: string) => T): T {
  const before = process.env['HADRILL_HOME'];
  const home = mkdtempSync(join(tmpdir(), 'hadrill-run-store-'));
  process.env['HADRILL_HOME'] = home;
  try {
    return work(home);
  } finally {
    if (before === undefined) delete process.env['HADRILL_HOME'];
    else process.env['HADRILL_HOME'] = before;
  }
}

describe('saveRunState', () => {
  test('replaces state.json with a new file: a reader holding the old one still reads it whole', () => {
    withHome(() => {
      const old = state('r1', 'old', 10_000);
      saveRunState(old);
      const file = join(runDir('r1'), 'state.json');
      // A second name for the old file: written in place, it would change under this name too.
      const held = join(runDir('r1'), 'held.json');
      linkSync(file, held);
      saveRunState(state('r1', 'new', 20_000));
      assert.deepEqual(JSON.parse(readFileSync(held, 'utf8')), JSON.parse(JSON.stringify(old)), 'the old file was never written to');
      assert.equal((loadRunState('r1') as unknown as { label: string }).label, 'new');
    });
  });

  test('a process that dies in the middle of writing it leaves the previous state whole', () => {
    withHome((home) => {
      const old = state('r1', 'old', 100);
      saveRunState(old);
      // The writer may not grow any file past a few kB (ulimit -f): writing the new 1 MB state fails half-way,
      // killed by SIGXFSZ or failing with EFBIG, as a crash or a full disk would stop it.
      const code = `import { saveRunState } from ${JSON.stringify(RUN_STORE)};
        saveRunState({ run: 'r1', plan: { containers: [] }, label: 'new', payload: 'y'.repeat(1 << 20) });`;
      const child = spawnSync('sh', ['-c', 'ulimit -f 8 && exec "$0" "$@"', process.execPath, '--input-type=module', '-e', code], {
        env: { ...process.env, HADRILL_HOME: home },
        encoding: 'utf8',
      });
      assert.ok(child.status !== 0 || child.signal !== null, `the write was cut short (exit ${child.status}, signal ${child.signal}): ${child.stderr}`);
      const text = readFileSync(join(runDir('r1'), 'state.json'), 'utf8');
      assert.deepEqual(JSON.parse(text), JSON.parse(JSON.stringify(old)), 'state.json is the previous state, whole');
    });
  });

  test('state.json is 0600 in a 0700 directory, also over an older file with a wider mode', () => {
    withHome(() => {
      saveRunState(state('r1', 'a', 10));
      const file = join(runDir('r1'), 'state.json');
      chmodSync(file, 0o644);
      saveRunState(state('r1', 'b', 10));
      assert.equal(statSync(file).mode & 0o777, 0o600);
      assert.equal(statSync(runDir('r1')).mode & 0o777, 0o700);
    });
  });

  test('leaves no temporary file behind', () => {
    withHome((home) => {
      for (let i = 0; i < 3; i++) saveRunState(state('r1', `v${i}`, 1000));
      assert.deepEqual(readdirSync(runDir('r1')).sort(), ['state.json']);
      assert.ok(existsSync(join(home, 'current')));
      assert.equal(readFileSync(join(home, 'current'), 'utf8'), 'r1\n');
      assert.deepEqual(readdirSync(home).filter((f) => f.endsWith('.tmp')), []);
    });
  });
});
