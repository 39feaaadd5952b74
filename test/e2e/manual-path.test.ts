// A drill done by hand (up, replication stop, fail, heal, check) must give
// the same kind of report as `hadrill drill`, computed the same way; and a
// run left alone stops writing when its lease runs out.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
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
    // Again, with a TTL of its own: it rules the run's lease from now on.
    const again = await cli('up', 'scenarios/hot-standby.yaml', '--ttl', '2h');
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

  test('a run nobody drives: its agents pause when its lease runs out, and resume when a command renews it', { timeout: 120_000 }, async () => {
    const dir = join(home, 'runs', run, 'history');
    const lease = join(dir, 'lease.json');
    const leaseUntil = (): number => (JSON.parse(readFileSync(lease, 'utf8')) as { until: number }).until;
    // check, the last command, renewed it for the run's TTL (the second up's --ttl 2h).
    assert.ok(Math.abs(leaseUntil() - (Date.now() + 7_200_000)) < 120_000, `lease until ${new Date(leaseUntil()).toISOString()}`);
    const agents = readdirSync(dir).filter((f) => f.endsWith('.jsonl'));
    assert.ok(agents.length >= 2, agents.join(', '));
    const tail = (file: string, from: number): string[] => readFileSync(join(dir, file), 'utf8').slice(from).split('\n').filter(Boolean);
    const until = async (what: string, ok: () => boolean): Promise<void> => {
      for (const deadline = Date.now() + 20_000; !ok(); await sleep(250)) if (Date.now() > deadline) assert.fail(`never: ${what}`);
    };

    // Nobody renewed it: the lease ends now (as an hour of silence would end it).
    const ends = new Map(agents.map((f) => [f, readFileSync(join(dir, f), 'utf8').length]));
    writeFileSync(lease, JSON.stringify({ until: Date.now() - 1 }));
    const pausedAt = new Map<string, number>();
    await until('every agent pauses for its lease', () =>
      agents.every((f) => {
        const line = tail(f, ends.get(f)!).find((l) => l.includes('"t":"paused"') && l.includes('"reason":"lease"'));
        if (line) pausedAt.set(f, readFileSync(join(dir, f), 'utf8').indexOf(line, ends.get(f)!) + line.length);
        return line !== undefined;
      }),
    );
    await sleep(3000);
    for (const f of agents) assert.deepEqual(tail(f, pausedAt.get(f)!).filter((l) => l.includes('"t":"invoke"')), [], `${f} sent nothing after its lease ran out`);

    // Any driving command renews it (here a heal with nothing to heal): the agents write again.
    assert.equal((await cli('heal')).code, 0);
    assert.ok(leaseUntil() > Date.now() + 7_000_000, 'heal renewed the lease for the TTL');
    await until('every agent resumes and writes', () => agents.every((f) => tail(f, pausedAt.get(f)!).some((l) => l.includes('"t":"resumed"')) && tail(f, pausedAt.get(f)!).some((l) => l.includes('"t":"invoke"'))));
  });
});
