// End to end: a drill attached to a stack hadrill did not create. The user
// starts MariaDB (primary and replica, their own replication) and Redis
// (master, replica, three Sentinels of their own) with plain `docker run` on
// a network of their own; hadrill attaches, isolates idc-c for a while, cuts
// power to the primaries' IDC, and reports. Its counts are checked against
// the nodes' own data, read here; the Sentinels' failover is measured from
// their own logs; after `down` every user container runs again, unchanged,
// hadrill's schema and keys are gone from it, and nothing of hadrill's is left.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { execa } from 'execa';
import { Redis } from 'ioredis';
import mysql from 'mysql2/promise';
import type { Report } from '../../src/core/report/report-model.js';
import { imageTag } from '../../src/images/image-spec.js';
import { hadrill, ROOT, type CliResult } from '../support/hadrill-cli.js';
import { leftovers, removeEverything, requireDockerAndImage, tempHome, uniqueRun } from '../support/docker-env.js';
import { mysqlIds, redisIds } from '../support/node-reads.js';
import { acknowledgedIds, difference, readReportDir, type ReportFiles } from '../support/report-files.js';
import { DB_PASSWORD, docker, REDIS_PASSWORD, removeUserStack, startUserStack, USER_CONTAINERS, userIp, userStackSnapshot } from '../support/user-stack.js';
import { waitFor } from '../../src/core/wait.js';

const SCENARIO = join(ROOT, 'test', 'fixtures', 'attach', 'docker-run.yaml');

describe('attach: a drill on a stack the user started with docker run', () => {
  const home = tempHome();
  const run = uniqueRun('e2e-attach');
  const env = { HADRILL_HOME: home, USERSTACK_DB_PASSWORD: DB_PASSWORD };
  const reportDir = join(home, 'report');
  let before_: Awaited<ReturnType<typeof userStackSnapshot>>;
  let drill: CliResult;
  let files: ReportFiles;
  let report: Report;

  before(async () => {
    await requireDockerAndImage();
    await startUserStack();
    // The user's stack is up: MariaDB answers and the replica replicates.
    await waitFor('the user\'s MariaDB replica to replicate', async () => {
      const r = await execa('docker', ['exec', 'userstack-db-b', 'mariadb', '-uroot', '-e', 'SHOW SLAVE STATUS\\G'], { reject: false });
      return /Slave_IO_Running: Yes/.test(r.stdout) && /Slave_SQL_Running: Yes/.test(r.stdout) ? true : undefined;
    }, { timeoutMs: 90_000, intervalMs: 500 });
    before_ = await userStackSnapshot();
  });
  after(async () => {
    await hadrill(['down', '--run', run], env);
    await removeEverything(run);
    await removeUserStack();
  });

  test('refuses, off a terminal and without --yes, to touch anything', async () => {
    const result = await hadrill(['up', SCENARIO, '--run', run], env);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /attaches to containers hadrill did not create, and this is not a terminal/);
    assert.match(result.stderr, /--yes/);
    assert.deepEqual(await leftovers(run), { containers: [], networks: [] });
  });

  test('a dry run names every container it would touch, and how, and touches none', async () => {
    const result = await hadrill(['up', '--dry-run', SCENARIO, '--run', run], env);
    assert.equal(result.code, 0, result.stderr);
    for (const name of USER_CONTAINERS) assert.match(result.stdout, new RegExp(`= ${name} \\(`), `${name} is in the plan:\n${result.stdout}`);
    assert.match(result.stdout, /db-a = userstack-db-a .* in idc-a: isolate idc-c at \+3\.00 s; power idc-a at \+14\.0 s\n/);
    assert.match(result.stdout, /sentinel-c = userstack-sentinel-c .* in idc-c: isolate idc-c at \+3\.00 s\n/);
    // Isolating idc-c puts rules into every other container too: they stop talking to it.
    assert.match(result.stdout, /db-b = userstack-db-b .* in idc-b: isolate idc-c at \+3\.00 s\n/);
    assert.match(result.stdout, /mysql-proxy = userstack-haproxy .* in idc-b: isolate idc-c at \+3\.00 s\n/);
    assert.deepEqual(await leftovers(run), { containers: [], networks: [] });
    assert.deepEqual(await userStackSnapshot(), before_);
  });

  test('a container the scenario names that does not exist: exit 2, naming the file and the node', async () => {
    const result = await hadrill(['up', '--dry-run', join(ROOT, 'test', 'fixtures', 'attach', 'missing-container.yaml'), '--run', run], env);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /missing-container\.yaml: cannot attach/);
    assert.match(result.stderr, /db-b: no container on this Docker engine is the container named "userstack-no-such-db"/);
  });

  test('the drill: counts agree with the nodes\' own data, and the Sentinels\' failover is measured from their logs', { timeout: 600_000 }, async () => {
    drill = await hadrill(['drill', SCENARIO, '--run', run, '--report-dir', reportDir, '--keep', '--yes'], env);
    assert.equal(drill.code, 0, drill.stderr.slice(-3000));
    assert.match(drill.stderr, /Attaching run .* to containers that already run \(network userstack-net\)/);
    files = readReportDir(reportDir);
    report = files.report;
    const power = report.faults.find((f) => f.spec.kind === 'power')!;

    // Ground truth, read here from the user's own nodes with the user's own credentials (the run is kept, its agents paused).
    const dbA = await userIp('userstack-db-a');
    const redisB = await userIp('userstack-redis-b');
    for (const [group, held] of [
      ['mysql', () => mysqlIds(dbA, DB_PASSWORD)],
      ['redis', () => redisIds(redisB, REDIS_PASSWORD)],
    ] as const) {
      const s = report.services.find((x) => x.name === group)!;
      const why = `${group}: ${JSON.stringify({ lost: s.lost, rto: s.rtoMs, split: s.rtoSplit, notes: report.notes })}`;
      assert.ok(s.acknowledged > 200, why);
      assert.deepEqual([...s.lostIds].sort(), difference(acknowledgedIds(files.history, group), await held()), why);
    }
    // MariaDB has no failover of the user's: its writes waited for the primary's power to come back.
    const mysqlService = report.services.find((x) => x.name === 'mysql')!;
    // Through the user's HAProxy, every acknowledged write names the node the proxy reached: only db-a takes writes.
    const proxied = files.history.filter((o) => o.service === 'mysql' && o.kind === 'write' && o.outcome === 'ok');
    assert.deepEqual([...new Set(proxied.map((o) => o.node))], [dbA]);
    // While db-a was down the proxy sent the clients to the read-only replica, which refused them.
    const dbB = await userIp('userstack-db-b');
    const refused = files.history.filter((o) => o.service === 'mysql' && o.kind === 'write' && o.outcome === 'failed' && o.node === dbB);
    assert.ok(refused.length > 0 && refused.every((o) => /read-only|READ.ONLY/i.test(o.error ?? '')), `writes refused by db-b through the proxy: ${refused.length}`);
    assert.equal(mysqlService.authoritativeNode, 'db-a');
    assert.ok(mysqlService.rtoMs !== null && mysqlService.rtoMs >= 15_000, `mysql waited for the power: ${mysqlService.rtoMs}`);

    // Redis: the user's Sentinels elected redis-b, and their own log says when they agreed and when they switched.
    const redis = report.services.find((x) => x.name === 'redis')!;
    assert.deepEqual(redis.promotions.map((p) => p.node), ['redis-b']);
    assert.equal(redis.authoritativeNode, 'redis-b');
    const split = redis.rtoSplit;
    assert.ok(split.detectMs !== null && split.promoteMs !== null && split.rerouteMs !== null, JSON.stringify(split));
    // down-after-milliseconds is 3000 in the user's Sentinel configuration: no detection can come sooner.
    assert.ok(split.detectMs >= 3000, JSON.stringify(split));
    assert.ok(redis.rtoMs !== null && redis.rtoMs < mysqlService.rtoMs, `Sentinel failed over before the power came back: ${redis.rtoMs}`);
    const switched = (await execa('docker', ['logs', 'userstack-sentinel-b'])).stdout.split('\n').filter((l) => l.includes('+switch-master shop'));
    assert.equal(switched.length, 1, switched.join('\n'));
    assert.ok(redis.promotions[0]!.atMs > power.appliedMs, 'the promotion came after the power loss');

    // The isolation of idc-c was real: sentinel-c, alone there, lost sight of the master while it lasted.
    const isolate = report.faults.find((f) => f.spec.kind === 'isolate')!;
    assert.ok(isolate.healedMs !== null, 'the isolation healed itself after 6 s');
    const sdown = (await execa('docker', ['logs', 'userstack-sentinel-c'])).stdout.split('\n').filter((l) => /\+sdown master shop/.test(l));
    assert.ok(sdown.length >= 1, 'sentinel-c saw the master down while idc-c was isolated');

    // The saved reports read as any drill's do.
    const explained = await hadrill(['explain', reportDir], env);
    assert.equal(explained.code, 0, explained.stderr);
    assert.match(explained.stdout, /mysql/);
    assert.match(explained.stdout, /redis/);
    const compared = await hadrill(['compare', reportDir], env);
    assert.equal(compared.code, 0, compared.stderr);
    assert.match(compared.stdout, /attach-docker-run/);
    assert.match(compared.stdout, /redis-b/, 'compare names the replica the Sentinels promoted');

    // Checked again from the saved directory alone, with no Docker and no run: the same counts and verdict.
    const again = join(home, 'report-again');
    const rechecked = await hadrill(['check', '--from', reportDir, '--report-dir', again], env);
    assert.equal(rechecked.code, 0, rechecked.stderr);
    const second = readReportDir(again).report;
    assert.deepEqual(second.services, report.services);
    assert.deepEqual([second.verdict, second.slos, second.faults], [report.verdict, report.slos, report.faults]);
    assert.ok(second.notes.some((n) => n.startsWith(`checked again from ${reportDir}`)));

    // No secret of the user's is in any report file.
    for (const secret of [DB_PASSWORD, REDIS_PASSWORD]) {
      for (const name of ['report.json', 'history.jsonl', 'final-state.json', 'junit.xml', 'summary.md', 'report.html', 'check-input.json']) {
        assert.ok(!readFileSync(join(reportDir, name), 'utf8').includes(secret), `${name} holds a credential of the user's`);
      }
    }
  });

  test('down gives the stack back as it was: every container running, unchanged, without hadrill\'s data, rules or containers', { timeout: 120_000 }, async () => {
    assert.ok(report, 'the drill ran');
    const result = await hadrill(['down', '--run', run], env);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(await leftovers(run), { containers: [], networks: [] });
    const afterDown = await userStackSnapshot();
    for (const name of USER_CONTAINERS) {
      assert.equal(afterDown[name]?.running, true, `${name} runs again`);
      assert.deepEqual({ ...afterDown[name], running: true }, { ...before_[name], running: true }, `${name}: same container, same configuration`);
    }
    // hadrill's database and user are gone from the user's MariaDB, its keys from the user's Redis.
    const c = await mysql.createConnection({ host: await userIp('userstack-db-a'), user: 'root', password: DB_PASSWORD });
    try {
      const [dbs] = await c.query("SHOW DATABASES LIKE 'hadrill'");
      assert.deepEqual(dbs, []);
      const [users] = await c.query("SELECT user FROM mysql.user WHERE user = 'hadrill_app'");
      assert.deepEqual(users, []);
    } finally {
      c.destroy();
    }
    for (const node of ['userstack-redis-a', 'userstack-redis-b']) {
      const r = new Redis({ host: await userIp(node), password: REDIS_PASSWORD, lazyConnect: true, maxRetriesPerRequest: 1 });
      await r.connect();
      try {
        await waitFor(`${node} to hold no key of hadrill's`, async () => ((await r.keys('hadrill:*')).length === 0 ? true : undefined), { timeoutMs: 30_000, intervalMs: 500 });
      } finally {
        r.disconnect();
      }
    }
    // No filter rule of hadrill's is left in any user container's network namespace.
    for (const name of USER_CONTAINERS) {
      const rules = await docker(['run', '--rm', '--network', `container:${name}`, '--cap-add', 'NET_ADMIN', '--entrypoint', 'iptables', imageTag(), '-S']);
      assert.doesNotMatch(rules, /HADRILL/, `${name} holds no rule of hadrill's`);
    }
  });
});
