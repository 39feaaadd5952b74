// The commands that write reports, as a user runs them, on directories they
// must not write into: a report directory holding someone else's files is
// refused (exit 2, the directory named, --force as the fix) before Docker is
// looked for, and `report -o` never writes through a symbolic link.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { hadrill, ROOT } from '../support/hadrill-cli.js';

const FIXTURE = join(ROOT, 'test', 'fixtures', 'hot-standby-report');
const root = mkdtempSync(join(tmpdir(), 'hadrill-report-dir-cli-'));
// No Docker is reachable from here: the refusal must come first.
const env = { HADRILL_HOME: join(root, 'home'), DOCKER_HOST: 'unix:///nonexistent/docker.sock' };
const SCENARIO = join(ROOT, 'scenarios', 'hot-standby.yaml');

/** A directory holding one file that is not a report. */
function foreignDir(name: string): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'notes.txt'), 'mine\n');
  return dir;
}

function assertRefused(r: { code: number | null; stderr: string }, dir: string): void {
  assert.equal(r.code, 2, r.stderr);
  assert.ok(r.stderr.includes(dir), `stderr names ${dir}:\n${r.stderr}`);
  assert.match(r.stderr, /notes\.txt/);
  assert.match(r.stderr, /--force/);
  assert.doesNotMatch(r.stderr, /docker|\n\s+at .*:\d+:\d+/i, 'refused before Docker, without a stack trace');
}

describe('report directories', () => {
  test('drill refuses a --report-dir holding a file that is not a report, before Docker', async () => {
    const dir = foreignDir('drill');
    assertRefused(await hadrill(['drill', SCENARIO, '--report-dir', dir], env), dir);
    assert.deepEqual(readdirSync(dir), ['notes.txt']);
  });

  test('drill --repeat refuses a run-N folder holding a file that is not a report, before the first drill', async () => {
    const dir = join(root, 'repeat');
    const run2 = foreignDir(join('repeat', 'run-2'));
    assertRefused(await hadrill(['drill', SCENARIO, '--report-dir', dir, '--repeat', '2'], env), run2);
  });

  test('check refuses such a --report-dir without --force and goes on with it (to the missing run) with --force', async () => {
    const dir = foreignDir('check');
    assertRefused(await hadrill(['check', '--report-dir', dir], env), dir);
    const forced = await hadrill(['check', '--report-dir', dir, '--force'], env);
    assert.equal(forced.code, 2);
    assert.match(forced.stderr, /No hadrill run is active/);
    assert.deepEqual(readdirSync(dir), ['notes.txt']);
  });

  test('check refuses a report file that is a symbolic link, even with --force', async () => {
    const dir = join(root, 'check-link');
    mkdirSync(dir);
    const victim = join(root, 'victim.md');
    writeFileSync(victim, 'precious\n');
    symlinkSync(victim, join(dir, 'summary.md'));
    const r = await hadrill(['check', '--report-dir', dir, '--force'], env);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /summary\.md.*symbolic link/);
    assert.equal(readFileSync(victim, 'utf8'), 'precious\n');
  });

  test('compare refuses a scenario report folder holding a file that is not a report', async () => {
    const parent = join(root, 'compare');
    const dir = foreignDir(join('compare', 'hot-standby'));
    assertRefused(await hadrill(['compare', SCENARIO, '--report-dir', parent], env), dir);
  });

  test('report -o never writes through a symbolic link: the file it points at is unchanged', async () => {
    const victim = join(root, 'victim.html');
    writeFileSync(victim, 'precious\n');
    const link = join(root, 'out.html');
    symlinkSync(victim, link);
    const r = await hadrill(['report', FIXTURE, '-o', link], env);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /out\.html.*symbolic link/);
    assert.equal(readFileSync(victim, 'utf8'), 'precious\n');
  });
});
