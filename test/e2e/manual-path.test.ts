// A drill done by hand (up, replication stop, fail, heal, check) must give
// the same kind of report as `hadrill drill`, computed the same way.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import mysql from 'mysql2/promise';
import type { RunState } from '../../src/engine/run-store.js';
import type { RunStatus } from '../../src/engine/status.js';
import { hadrill } from '../support/hadrill-cli.js';
import { leftovers, removeEverything, requireDockerAndImage, tempHome, uniqueRun } from '../support/docker-env.js';
import { acknowledgedIds, difference, readReportDir } from '../support/report-files.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('the manual path: up, fail, heal, check', () => {
  const home = tempHome();
  const run = uniqueRun('e2e-manual');
  const env = { HADRILL_HOME: home };
  const cli = (...args: string[]) => hadrill([...args, '--run', run], env);

  before(requireDockerAndImage);
  after(async () => {
    await cli('down');
    await removeEverything(run);
  });

  test('up is idempotent, and a hand-made drill reports exact losses and an RTO', { timeout: 300_000 }, async () => {
    const first = await cli('up', 'scenarios/hot-standby.yaml');
    assert.equal(first.code, 0, first.stderr.slice(-2000));
    const before = (await leftovers(run)).containers.sort();
    const again = await cli('up', 'scenarios/hot-standby.yaml');
    assert.equal(again.code, 0, again.stderr.slice(-2000));
    assert.deepEqual((await leftovers(run)).containers.sort(), before, 'a second up creates nothing new');

    const status = JSON.parse((await cli('status', '--json')).stdout) as RunStatus;
    assert.equal(status.writers.find((w) => w.group === 'mysql')?.writer?.name, 'db-a');
    assert.equal(status.nodes.filter((n) => n.container === 'running').length, status.nodes.length);

    await sleep(3000);
    assert.equal((await cli('replication', 'stop', 'db-b')).code, 0);
    await sleep(3000);
    const fail = await cli('fail', 'idc-a', '--json');
    assert.equal(fail.code, 0, fail.stderr);
    await sleep(15_000);
    const during = JSON.parse((await cli('status', '--json')).stdout) as RunStatus;
    assert.equal(during.writers.find((w) => w.group === 'mysql')?.writer?.name, 'db-b', 'the manager promoted the standby');
    assert.equal(during.activeFaults.length, 2);
    assert.equal((await cli('heal')).code, 0);
    await sleep(5000);

    const reportDir = join(home, 'report');
    const check = await cli('check', '--report-dir', reportDir);
    assert.equal(check.code, 0, check.stderr.slice(-2000));
    const { report, history } = readReportDir(reportDir);
    assert.equal(report.mode, 'manual');
    const state = JSON.parse(readFileSync(join(home, 'runs', run, 'state.json'), 'utf8')) as RunState;
    const standby = state.plan.containers.find((c) => c.node === 'db-b');
    assert.ok(standby);
    const c = await mysql.createConnection({ host: standby.ip, user: 'root', password: state.secrets.rootPassword });
    const [rows] = await c.query({ sql: 'SELECT id FROM hadrill.writes', rowsAsArray: true });
    c.destroy();
    const expectedLost = difference(acknowledgedIds(history, 'mysql'), new Set((rows as [string][]).map((r) => r[0])));
    const mysqlResult = report.services.find((s) => s.name === 'mysql');
    assert.ok(mysqlResult);
    assert.ok(expectedLost.length > 0);
    assert.deepEqual([...mysqlResult.lostIds].sort(), expectedLost);
    assert.ok(mysqlResult.rtoMs !== null && mysqlResult.rtoMs > 0, 'RTO measured from the journaled power loss');
    const power = report.faults.find((f) => f.spec.kind === 'power');
    assert.ok(power && power.healedMs !== null && power.appliedMs >= power.requestedMs);

    // The agents write again after a manual check.
    const lines = (): number => readFileSync(join(home, 'runs', run, 'history', 'app-idc-b.jsonl'), 'utf8').split('\n').length;
    const count = lines();
    await sleep(1500);
    assert.ok(lines() > count, 'agents resumed after check');
  });
});
