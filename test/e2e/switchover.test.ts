// End to end: planned switchovers, nothing failing. hadrill's manager moves
// the MySQL primary to db-b under write protection and back to db-a; the
// Sentinels move the Redis master. Measured like a failure, and recounted
// here from the nodes: the MySQL moves lose nothing and leave one writer;
// Sentinel's forced failover does not wait for its replica, and the report's
// count of what that lost is exactly what the new master lacks.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { keptDrillSuite } from '../support/kept-drill.js';
import { mysqlIds, mysqlReadOnly, redisIds } from '../support/node-reads.js';
import { acknowledgedIds, difference } from '../support/report-files.js';

describe('planned switchovers: the MySQL primary there and back, the Redis master once', () => {
  const suite = keptDrillSuite('e2e-switch');

  test('moves the writers as asked, loses no MySQL write, and every count is recounted from the nodes', { timeout: 240_000 }, async () => {
    const d = await suite.drill('test/fixtures/switchover.yaml');
    assert.equal(d.result.code, 0, `drill verdict (stderr: ${d.result.stderr.slice(-2000)})`);
    const { rootPassword, redisPassword } = d.state.secrets;

    const mysql = d.report.services.find((s) => s.name === 'mysql');
    assert.ok(mysql);
    assert.deepEqual(
      mysql.promotions.map((p) => [p.node, p.reason]),
      [
        ['db-b', 'planned switchover from db-a'],
        ['db-a', 'planned switchover from db-b'],
      ],
    );
    assert.equal(mysql.authoritativeNode, 'db-a', 'the move back made db-a the writer again');
    const lost = difference(acknowledgedIds(d.history, 'mysql'), await mysqlIds(d.ipOf('db-a'), rootPassword));
    assert.deepEqual(lost, [], 'write protection during the move: nothing acknowledged is missing from db-a');
    assert.equal(mysql.lost, 0);
    assert.equal(await mysqlReadOnly(d.ipOf('db-b'), rootPassword), 1, 'db-b is a read-only replica again');
    assert.deepEqual(difference(acknowledgedIds(d.history, 'mysql'), await mysqlIds(d.ipOf('db-b'), rootPassword)), [], 'db-b replicates from db-a again and holds every write');
    assert.equal(mysql.splitBrain?.ms, 0, 'never two writers');
    assert.ok(mysql.rtoMs !== null && mysql.rtoMs < 3000, `the window without durable writes is short (${mysql.rtoMs} ms)`);
    const events = d.events<{ t: string; from?: string; to?: string }>('mysql-manager');
    assert.deepEqual(
      events.filter((e) => e.t === 'switchover-started').map((e) => `${e.from}->${e.to}`),
      ['db-a->db-b', 'db-b->db-a'],
    );
    // Writes before the first move went to db-a, between the moves to db-b, after the second to db-a again.
    const first = d.report.faults.find((f) => f.spec.kind === 'switchover' && f.spec.group === 'mysql' && f.spec.to === 'db-b')!;
    const second = d.report.faults.find((f) => f.spec.kind === 'switchover' && f.spec.group === 'mysql' && f.spec.to === 'db-a')!;
    const acked = d.history.filter((o) => o.service === 'mysql' && o.kind === 'write' && o.outcome === 'ok');
    const between = acked.filter((o) => o.invokeMs > first.appliedMs + 1000 && o.completeMs! < second.requestedMs);
    assert.ok(between.length > 50 && between.every((o) => o.node === d.ipOf('db-b')), 'between the moves every write went to db-b');

    const redis = d.report.services.find((s) => s.name === 'redis');
    assert.ok(redis);
    assert.deepEqual(
      redis.promotions.map((p) => p.node),
      ['redis-b'],
    );
    const redisLost = difference(acknowledgedIds(d.history, 'redis'), await redisIds(d.ipOf('redis-b'), redisPassword));
    assert.equal(redis.lost, redisLost.length, "the report counts exactly what the new master lacks");
    assert.deepEqual([...redis.lostIds].sort(), redisLost);
    for (const g of redis.lostCauses ?? []) assert.ok(!g.faults.some((f) => f.includes('mysql')), `a MySQL switchover is no cause of a Redis loss (${g.faults.join(', ')})`);
  });
});
