// End to end: two cities, three centers. idc-a and idc-b in city-1, idc-c in
// city-2 (30 ms away). The drill loses idc-a, then idc-b. The MySQL manager
// (in idc-c) must promote idc-b's node first, the one in the lost primary's
// city, and idc-c's when idc-b goes too; the report names both promotions
// with the manager's reasons and shows both of each client's gaps. Redis's
// three Sentinels, two of them in city-1, can fail over after idc-a but not
// after city-1 is gone: the drill shows it.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ManagerEvent } from '../../src/core/plan/runtime-configs.js';
import { keptDrillSuite } from '../support/kept-drill.js';
import { mysqlIds, mysqlReadOnly, redisIds } from '../support/node-reads.js';
import { acknowledgedIds, difference } from '../support/report-files.js';

describe('two cities, three centers: loss of idc-a, then of idc-b', () => {
  const suite = keptDrillSuite('e2e-2c3c');

  test('MySQL promotes in the same city first, then across cities; Redis cannot fail over without city-1', { timeout: 400_000 }, async () => {
    const { result, report, history, finalState, state, ipOf, events } = await suite.drill('scenarios/two-city-three-center.yaml');
    assert.equal(result.code, 0, result.stderr.slice(-3000));
    const [lossA, lossB] = [...report.faults].sort((a, b) => a.requestedMs - b.requestedMs);
    const cut = (f: typeof lossA): string | null => (f?.spec.kind === 'power' ? f.spec.idc : null);
    assert.deepEqual([cut(lossA), cut(lossB)], ['idc-a', 'idc-b']);
    const cityBack = Math.min(lossA!.healedMs!, lossB!.healedMs!);

    // MySQL: the manager's own log, then the report, in the same order and with the same reasons.
    const mysql = report.services.find((s) => s.name === 'mysql')!;
    const why = `mysql: promotions ${JSON.stringify(mysql.promotions)}, gaps ${JSON.stringify(mysql.rto.byClient.map((c) => [c.client, c.gaps.length]))}`;
    const logged = events<ManagerEvent>('mysql-manager').filter((e): e is Extract<ManagerEvent, { t: 'promoted' }> => e.t === 'promoted');
    assert.deepEqual(logged.map((e) => e.node), ['db-b', 'db-c'], why);
    assert.deepEqual(mysql.promotions.map((p) => [p.atMs, p.node, p.reason]), logged.map((e) => [e.at, e.node, e.reason ?? null]));
    const [first, second] = mysql.promotions;
    assert.ok(first!.atMs > lossA!.requestedMs && first!.atMs < lossB!.requestedMs, why);
    assert.ok(second!.atMs > lossB!.requestedMs && second!.atMs < cityBack, why);
    // db-b is 1 ms from the dead primary, db-c 30 ms: db-b has at least what db-c has, and wins for its city.
    assert.match(first!.reason ?? '', /^in city-1, the lost primary's city, and as advanced as any \(\d+ transactions; db-c \d+\)$/);
    assert.match(second!.reason ?? '', /^no replica in city-1, the lost primary's city, could be reached/);

    // The final state, read here: db-c writes, the two returned nodes stay read-only, nothing else lost.
    assert.equal(await mysqlReadOnly(ipOf('db-c'), state.secrets.rootPassword), 0);
    assert.equal(await mysqlReadOnly(ipOf('db-a'), state.secrets.rootPassword), 1);
    assert.equal(await mysqlReadOnly(ipOf('db-b'), state.secrets.rootPassword), 1);
    const held = await mysqlIds(ipOf('db-c'), state.secrets.rootPassword);
    assert.deepEqual([...mysql.lostIds].sort(), difference(acknowledgedIds(history, 'mysql'), held), why);

    // Both gaps of idc-c's client are in the report, one per loss, each closed by its promotion.
    const c = mysql.rto.byClient.find((x) => x.client === 'app-idc-c')!;
    assert.ok(c.recovered, why);
    const gapAfter = (fault: typeof lossA) => c.gaps.find((g) => Math.abs(g.startMs - fault!.requestedMs) < 1000);
    for (const [fault, promotion] of [[lossA, first], [lossB, second]] as const) {
      const gap = gapAfter(fault);
      assert.ok(gap && gap.endMs !== null, `a gap opened at ${cut(fault)}'s loss: ${JSON.stringify(c.gaps)}`);
      assert.ok(gap.endMs! > promotion!.atMs && gap.lengthMs < 20_000, `closed after ${promotion!.node}'s promotion: ${JSON.stringify(gap)}`);
    }
    assert.equal(mysql.rtoMs, Math.max(...mysql.rto.byClient.filter((x) => x.measured).map((x) => x.rtoMs ?? 0)));

    // Redis: the Sentinels in idc-b and idc-c are a majority after idc-a's loss and promote redis-b (the DR replica
    // has the worse priority); after city-1's loss the one in idc-c is alone and nothing is promoted until power returns.
    const redis = report.services.find((s) => s.name === 'redis')!;
    const rwhy = `redis: promotions ${JSON.stringify(redis.promotions)}, lost ${redis.lost}, RTO ${redis.rtoMs}`;
    // Two Sentinels can split their first vote; Sentinel retries only after twice failoverTimeout (20 s), later
    // than idc-b's loss: then nothing is promoted before it, which the report must show as it is.
    const beforeCityLoss = redis.promotions.filter((p) => p.atMs < lossB!.requestedMs);
    assert.ok(beforeCityLoss.length <= 1, rwhy);
    assert.deepEqual(beforeCityLoss.map((p) => p.node), beforeCityLoss.length === 0 ? [] : ['redis-b'], rwhy);
    assert.deepEqual(redis.promotions.filter((p) => p.atMs > lossB!.requestedMs && p.atMs < cityBack), [], `no promotion without a majority: ${rwhy}`);
    // So idc-c's client acknowledged no Redis write that lasted through the city's loss, and its gap covers it.
    const master = finalState.services.find((s) => s.service === 'redis')!.authoritativeNode!;
    const present = await redisIds(ipOf(master), state.secrets.redisPassword);
    const durableDuringCityLoss = history.filter(
      (o) => o.service === 'redis' && o.kind === 'write' && o.client === 'app-idc-c' && o.outcome === 'ok' && present.has(o.id) && o.invokeMs > lossB!.appliedMs && o.invokeMs < cityBack,
    );
    assert.deepEqual(durableDuringCityLoss.map((o) => o.id), [], rwhy);
    const rc = redis.rto.byClient.find((x) => x.client === 'app-idc-c')!;
    assert.ok(rc.gaps.some((g) => g.startMs <= lossB!.appliedMs && (g.endMs === null || g.endMs >= cityBack)), `${rwhy}; gaps ${JSON.stringify(rc.gaps)}`);
    assert.deepEqual([...redis.lostIds].sort(), difference(acknowledgedIds(history, 'redis'), present), rwhy);
  });
});
