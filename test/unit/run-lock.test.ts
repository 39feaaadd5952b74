// One owner per run: the lock file under HADRILL_HOME/locks, taken
// exclusively, refused while its holder runs, taken over once the holder is
// gone, and released only by its own holder.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { HadrillError } from '../../src/core/errors.js';
import { acquireRunLock, holderAlive, readHolder, withRunLock } from '../../src/engine/run-lock.js';

describe('the run lock', () => {
  const home = mkdtempSync(join(tmpdir(), 'hadrill-lock-'));
  const previous = process.env['HADRILL_HOME'];
  const lockFile = (run: string): string => join(home, 'locks', `${run}.lock`);
  const plant = (run: string, holder: object | string): void => {
    mkdirSync(join(home, 'locks'), { recursive: true });
    writeFileSync(lockFile(run), typeof holder === 'string' ? holder : JSON.stringify(holder));
  };
  before(() => {
    process.env['HADRILL_HOME'] = home;
  });
  after(() => {
    if (previous === undefined) delete process.env['HADRILL_HOME'];
    else process.env['HADRILL_HOME'] = previous;
  });

  test('a free run is taken, its holder written down, and released by it', () => {
    const lock = acquireRunLock('free', 'drill');
    assert.deepEqual({ ...readHolder('free'), since: '' }, { pid: process.pid, host: hostname(), command: 'drill', since: '' });
    lock.release();
    assert.equal(existsSync(lockFile('free')), false);
  });

  test('a run held by a live hadrill is refused, naming the command, its pid and the way out', () => {
    plant('busy', { pid: 4242, host: hostname(), command: 'drill', since: '2026-12-07T10:00:00.000Z' });
    assert.throws(
      () => acquireRunLock('busy', 'up', { isAlive: () => true }),
      (error: unknown) => {
        assert.ok(error instanceof HadrillError && error.code === 'usage');
        assert.match(error.message, /Run busy is in use: `hadrill drill` \(pid 4242 on .*\) has held it since 2026-12-07T10:00:00.000Z/);
        assert.match(error.hint ?? '', /down --run busy --force/);
        return true;
      },
    );
    // Refused, it is left as it was.
    assert.equal(readHolder('busy')?.pid, 4242);
  });

  test('a lock whose holder is gone is taken over', () => {
    plant('stale', { pid: 4243, host: hostname(), command: 'drill', since: '2026-12-07T10:00:00.000Z' });
    const lock = acquireRunLock('stale', 'down', { isAlive: () => false });
    assert.equal(readHolder('stale')?.pid, process.pid);
    lock.release();
  });

  test('--force takes over a live holder; the old holder\'s release then leaves the new holder\'s lock alone', () => {
    const first = acquireRunLock('forced', 'drill');
    // Seen from another process, this one is a live holder: only force takes it.
    plant('forced', { ...readHolder('forced'), pid: 4244 });
    assert.throws(() => acquireRunLock('forced', 'down', { isAlive: () => true }), /in use/);
    const second = acquireRunLock('forced', 'down', { force: true, isAlive: () => true });
    plant('forced', { ...second.holder, pid: 4245 });
    first.release();
    assert.equal(readHolder('forced')?.pid, 4245, 'the first holder released only its own lock');
  });

  test('a half-written lock (its holder killed between create and write) holds nothing', () => {
    plant('torn', '{"pid": 12');
    assert.equal(readHolder('torn'), null);
    acquireRunLock('torn', 'up').release();
  });

  test('the process that holds a run may enter it again (a drill\'s own up and down)', async () => {
    await withRunLock('nested', 'drill', async () => {
      await withRunLock('nested', 'up', async () => undefined);
      assert.equal(readHolder('nested')?.command, 'drill', 'the inner entry neither replaced nor released the lock');
    });
    assert.equal(readHolder('nested'), null);
  });

  test('withRunLock releases the lock when the work fails', async () => {
    await assert.rejects(withRunLock('failing', 'check', async () => Promise.reject(new Error('boom'))), /boom/);
    assert.equal(readHolder('failing'), null);
  });

  test('a holder on this machine is alive while its process runs hadrill, and gone once it exits', async () => {
    // A process whose command line names hadrill, as the CLI's does.
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)', 'hadrill-lock-holder'], { stdio: 'ignore' });
    const holder = { pid: child.pid!, host: hostname(), command: 'drill', since: '' };
    assert.equal(holderAlive(holder), true);
    child.kill('SIGKILL');
    await new Promise((resolve) => child.on('exit', resolve));
    assert.equal(holderAlive(holder), false);
    // A lock on another machine cannot be checked: it stands.
    assert.equal(holderAlive({ ...holder, host: `${hostname()}-elsewhere` }), true);
  });

  test('the lock file is private to its owner', () => {
    const lock = acquireRunLock('private', 'up');
    assert.equal(statSync(lockFile('private')).mode & 0o777, 0o600);
    lock.release();
  });
});
