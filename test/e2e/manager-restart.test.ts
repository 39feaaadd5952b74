// The reference manager keeps its memory across a crash: restarted right
// after a failover, it must go on announcing the promoted primary and must
// never reopen the former primary it fenced, even when that node's power
// comes back and it boots (read-only) in front of it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ManagerEvent } from '../../src/core/plan/runtime-configs.js';
import type { RunState } from '../../src/engine/run-store.js';
import type { RunStatus } from '../../src/engine/status.js';
import { hadrill } from '../support/hadrill-cli.js';
import { removeEverything, requireDockerAndImage, tempHome, uniqueRun } from '../support/docker-env.js';
import { readReportDir } from '../support/report-files.js';
import { mysqlReadOnly } from '../support/node-reads.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await sleep(500);
  }
}

describe('the failover manager restarted right after a failover', () => {
  const home = tempHome();
  const run = uniqueRun('e2e-mgr');
  const env = { HADRILL_HOME: home };
  const cli = (...args: string[]) => hadrill([...args, '--run', run], env);

  before(requireDockerAndImage);
  after(async () => {
    await cli('down');
    await removeEverything(run);
  });

  test('keeps the promoted primary and never reopens the fenced one', { timeout: 300_000 }, async () => {
    const up = await cli('up', 'scenarios/hot-standby.yaml');
    assert.equal(up.code, 0, up.stderr.slice(-2000));
    const state = JSON.parse(readFileSync(join(home, 'runs', run, 'state.json'), 'utf8')) as RunState;
    const ip = (node: string): string => state.plan.containers.find((c) => c.node === node)!.ip;
    const managerState = async (): Promise<{ primary: string; epoch: number; fenced: string[] }> => {
      const response = await fetch(`http://${ip('mysql-manager')}:8080/state`, { headers: { authorization: `Bearer ${state.secrets.managerToken}` }, signal: AbortSignal.timeout(1500) });
      return (await response.json()) as { primary: string; epoch: number; fenced: string[] };
    };
    const status = async (): Promise<RunStatus> => JSON.parse((await cli('status', '--json')).stdout) as RunStatus;

    await sleep(2000);
    assert.equal((await cli('fail', 'idc-a')).code, 0);
    await until('the manager to promote db-b', async () => ((await status()).writers.find((w) => w.group === 'mysql')?.writer?.name === 'db-b' ? true : undefined), 40_000);

    const crash = await cli('crash', 'mysql-manager', '--restart');
    assert.equal(crash.code, 0, crash.stderr);
    const remembered = await until('the restarted manager to answer', async () => {
      const s = await managerState();
      return s.primary === 'db-b' ? s : undefined;
    }, 30_000);
    assert.equal(remembered.epoch, 2, 'the epoch survives the restart');
    assert.ok(remembered.fenced.includes('db-a'), `fenced: ${remembered.fenced.join(', ')}`);

    // Power comes back: db-a boots read-only; a manager that forgot would now open it as "the initial primary".
    assert.equal((await cli('heal')).code, 0);
    await until('db-a to answer again', () => mysqlReadOnly(ip('db-a'), state.secrets.rootPassword, 1000), 60_000);
    await sleep(6000);
    assert.equal(await mysqlReadOnly(ip('db-a'), state.secrets.rootPassword), 1, 'the fenced former primary stays read-only');
    const after = await managerState();
    assert.deepEqual([after.primary, after.epoch], ['db-b', 2]);

    const events = readFileSync(join(home, 'runs', run, 'mysql-manager', 'events.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as ManagerEvent);
    const restored = events.find((e) => e.t === 'restored');
    assert.deepEqual(restored && restored.t === 'restored' ? [restored.primary, restored.epoch, restored.fenced] : null, ['db-b', 2, ['db-a']]);
    assert.equal(events.filter((e) => e.t === 'started').length, 1, 'the initial primary was opened once, by the first manager');
    assert.equal(events.filter((e) => e.t === 'promoted').length, 1, 'one failover, not a second one after the restart');

    // The check agrees: db-b is the authority and no two MySQL nodes ever took writes at once.
    const reportDir = join(home, 'report');
    const check = await cli('check', '--report-dir', reportDir);
    assert.equal(check.code, 0, check.stderr.slice(-2000));
    const mysqlResult = readReportDir(reportDir).report.services.find((s) => s.name === 'mysql');
    assert.equal(mysqlResult?.authoritativeNode, 'db-b');
    assert.equal(mysqlResult?.splitBrain?.ms, 0);
  });

  test('with the manager and the primary both gone, check names what it could read and exits 2 instead of counting every write lost', { timeout: 120_000 }, async () => {
    assert.equal((await cli('fail', 'idc-c')).code, 0, 'the manager and the third Sentinel lose power');
    assert.equal((await cli('fail', 'idc-b')).code, 0, 'and so does the promoted primary');
    const reportDir = join(home, 'report-incomplete');
    const check = await cli('check', '--report-dir', reportDir);
    assert.equal(check.code, 2, `${check.stdout.slice(-1500)}\n${check.stderr.slice(-1500)}`);
    assert.match(check.stdout, /mysql: NOT CHECKED: the failover manager could not be reached, and no node is writable/);
    const { report } = readReportDir(reportDir);
    assert.equal(report.verdict, 'incomplete');
    const mysqlIncomplete = report.incomplete.find((i) => i.name === 'mysql');
    assert.ok(mysqlIncomplete, JSON.stringify(report.incomplete));
    assert.deepEqual(mysqlIncomplete.readable, ['db-a (read-only)'], 'the fenced former primary answered, read-only');
    assert.deepEqual(mysqlIncomplete.unreadable.map((u) => u.node), ['db-b']);
    assert.ok(mysqlIncomplete.acknowledged > 0);
    assert.equal(report.services.find((s) => s.name === 'mysql'), undefined, 'no lost count is made up for it');
  });
});
