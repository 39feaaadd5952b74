// End to end: a partition leaves the Redis master and its local clients on
// the minority side. The minority's master keeps acknowledging writes while
// the majority promotes another; the heal discards the minority's writes.
// The report's lost count, split-brain time and RTO must equal what this test
// recomputes itself, from history.jsonl and final-state.json with the
// definitions read literally, and the lost count what the surviving master
// really holds, read here directly.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { keptDrillSuite } from '../support/kept-drill.js';
import { literalServiceRto, literalSplitBrainMs, type LiteralWrite } from '../support/literal-definitions.js';
import { acknowledgedIds, difference } from '../support/report-files.js';
import { redisIds } from '../support/node-reads.js';

describe('split brain: a Redis master on the minority side of a partition', () => {
  const suite = keptDrillSuite('e2e-split');

  test('lost writes, split-brain time and RTO equal the literal recount from the history and the final state', { timeout: 300_000 }, async () => {
    const { result, report, history, finalState, state, ipOf } = await suite.drill('test/fixtures/redis-split-brain.yaml');
    const redis = report.services.find((s) => s.name === 'redis');
    assert.ok(redis, `no redis result (stderr: ${result.stderr.slice(-2000)})`);
    const why = `report: lost ${redis.lost}, split brain ${JSON.stringify(redis.splitBrain)}, RTO ${redis.rtoMs}, notes ${JSON.stringify(report.notes)}`;

    // The split-brain SLO (0 s) fails, so the drill exits 1: measured, not broken.
    assert.equal(result.code, 1, `${why}\n${result.stderr.slice(-2000)}`);
    assert.equal(report.verdict, 'fail');
    const slo = report.slos.find((s) => s.metric === 'splitBrainMs');
    assert.equal(slo?.ok, false, why);

    const nameOf = new Map(state.plan.containers.map((c) => [c.ip, c.node]));
    const final = finalState.services.find((s) => s.service === 'redis');
    assert.ok(final?.authoritativeNode, 'the Sentinels name a master after the heal');
    assert.equal(final.authoritativeNode, 'redis-c', 'the majority side promoted redis-c, and it stays master after the heal');

    // Ground truth, read here and not by hadrill: what the master holds now.
    const masterIp = ipOf('redis-c');
    const held = await redisIds(masterIp, state.secrets.redisPassword);
    const expectedLost = difference(acknowledgedIds(history, 'redis'), held);
    assert.ok(expectedLost.length > 0, 'the minority acknowledged writes that the heal discarded');
    assert.deepEqual([...redis.lostIds].sort(), expectedLost, why);

    // The literal recount from the report's own files.
    const present = new Set(final.nodes.find((n) => n.node === final.authoritativeNode)?.ids ?? []);
    const writes: LiteralWrite[] = history
      .filter((o) => o.service === 'redis' && o.kind === 'write')
      .map((o) => ({ ...o, ...(o.node === undefined ? {} : { node: nameOf.get(o.node) ?? o.node }) }));
    const partition = report.faults.find((f) => f.spec.kind === 'partition')!;
    // The fault period starts when the partition is requested, as the drill hands it to the checker.
    const literal = literalServiceRto(writes, (id) => present.has(id), partition.requestedMs, [], 1000);
    assert.equal(redis.recovered, literal.recovered, why);
    assert.ok(redis.rtoMs !== null && literal.rtoMs !== null && Math.abs(redis.rtoMs - literal.rtoMs) < 1e-6, `${why}; literal RTO ${literal.rtoMs}`);
    const literalSplit = literalSplitBrainMs(writes, []);
    assert.ok(redis.splitBrain !== null && Math.abs(redis.splitBrain.ms - literalSplit) < 1e-6, `${why}; literal split brain ${literalSplit}`);

    // And what those numbers must mean here.
    assert.deepEqual(redis.splitBrain.nodes, ['redis-a', 'redis-c']);
    assert.ok(redis.splitBrain.ms > 3000, `both masters took writes for seconds: ${redis.splitBrain.ms} ms`);
    assert.ok(redis.splitBrain.lost > 0 && redis.splitBrain.lost <= redis.lost, why);
    assert.equal(redis.rto.client, 'app-idc-a', 'the minority client, whose acknowledged writes were all discarded, was without durable writes longest');
    const partitionMs = partition.healedMs! - partition.appliedMs;
    assert.ok(redis.rtoMs >= partitionMs - 1000, `the minority client had no durable write for the whole partition (${partitionMs} ms): RTO ${redis.rtoMs}`);
    const majority = redis.rto.byClient.find((c) => c.client === 'app-idc-c');
    assert.ok(majority?.rtoMs !== null && majority !== undefined && majority.rtoMs > 1000 && majority.rtoMs < redis.rtoMs, `the majority side's client waited for the promotion: ${JSON.stringify(majority)}`);
    // The lost writes were acknowledged over the partition, not before it.
    assert.ok(redis.rpo.windowMs !== null && redis.rpo.windowMs > partitionMs / 2, `RPO window ${redis.rpo.windowMs} ms`);
    assert.ok(redis.rtoSplit.rerouteMs === null || redis.rtoSplit.rerouteMs >= 0);

    // Why, recounted: the minority's master acknowledged every one. Those acknowledged after redis-c's
    // promotion are split brain (two writers), a superset of the split-brain figure's lost ones (both
    // writers serving clients); those before it never reached redis-c. None is on any node now: redis-a
    // resynced from redis-c on the heal.
    const causes = redis.lostCauses ?? [];
    const whyCauses = `${why}; causes ${JSON.stringify(causes.map(({ ids: _ids, ...g }) => g))}`;
    assert.deepEqual([...new Set(causes.map((g) => `${g.node} ${g.stillOn.join(',')}`))], ['redis-a '], whyCauses);
    const promotedAt = redis.promotions.find((p) => p.node === 'redis-c')?.atMs;
    assert.ok(promotedAt !== undefined, whyCauses);
    const causeOf = new Map(causes.flatMap((g) => g.ids.map((id) => [id, g.cause] as const)));
    const ackOf = new Map(history.map((o) => [o.id, o.completeMs!]));
    const wrong = expectedLost.filter((id) => causeOf.get(id) !== (ackOf.get(id)! >= promotedAt ? 'split-brain' : 'unreplicated'));
    assert.deepEqual(wrong, [], whyCauses);
    const splitLost = causes.filter((g) => g.cause === 'split-brain').reduce((n, g) => n + g.count, 0);
    assert.ok(splitLost >= redis.splitBrain.lost && splitLost > 0, whyCauses);
    for (const g of causes.filter((c) => c.cause === 'unreplicated')) assert.equal(g.replacedBy, 'redis-c', whyCauses);
  });
});
