// A run another hadrill is driving is refused by `up`, `drill`, `check` and
// `down` (exit 2, naming the holder), before anything is touched; a holder
// that is gone holds nothing.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { hadrill, ROOT } from '../support/hadrill-cli.js';

describe('a run another hadrill is driving', () => {
  const home = mkdtempSync(join(tmpdir(), 'hadrill-lock-cli-'));
  const env = { HADRILL_HOME: home };
  const run = 'locked-run';
  let holder: ChildProcess;

  before(() => {
    // Stands for a drill in progress: a live process whose command line names hadrill.
    holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 120000)', 'hadrill-drill-stand-in'], { stdio: 'ignore' });
    mkdirSync(join(home, 'locks'), { recursive: true });
    writeFileSync(join(home, 'locks', `${run}.lock`), JSON.stringify({ pid: holder.pid, host: hostname(), command: 'drill scenarios/hot-standby.yaml', since: '2026-12-07T10:00:00.000Z' }));
  });
  after(() => {
    holder.kill('SIGKILL');
  });

  for (const args of [
    ['up', join(ROOT, 'scenarios', 'hot-standby.yaml')],
    ['drill', join(ROOT, 'scenarios', 'hot-standby.yaml'), '--report-dir', join(home, 'report')],
    ['check', '--report-dir', join(home, 'report-check')],
    ['down'],
  ]) {
    test(`\`hadrill ${args[0]}\` is refused with exit 2, naming the holder and the way out`, async () => {
      const result = await hadrill([...args, '--run', run], env);
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, new RegExp(`Run ${run} is in use: \`hadrill drill scenarios/hot-standby.yaml\` \\(pid ${holder.pid} on `));
      assert.match(result.stderr, /--force/);
    });
  }
});
