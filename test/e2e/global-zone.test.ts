// End to end: the global zone (Eleme). Three zones in three cities, sharded
// data homed per zone behind a data access layer, global data written in the
// master zone (idc-a) and read from local replicas. The master zone loses
// power: its shards move to the other zones under write protection, the
// global master moves with hadrill's manager, and no conflict may appear.
// Recounted here from the history, the nodes' rows and the controller's log.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { DalEvent } from '../../src/datastores/dal/protocol.js';
import { shardOf } from '../../src/datastores/dal/table.js';
import { homesOfUsers } from '../support/dal-recount.js';
import { keptDrillSuite } from '../support/kept-drill.js';
import { mysqlIds, mysqlReadOnly, mysqlRegisters } from '../support/node-reads.js';

const SHARDS = 12;
const ZONE_A_SHARDS = [0, 3, 6, 9];

describe('global zone: three zones behind a data access layer, the master zone loses power', () => {
  const suite = keptDrillSuite('e2e-gzone');

  test("zone a's shards and the global master move; nothing conflicts; what was lost is exactly what zone a never shipped", { timeout: 300_000 }, async () => {
    const { result, report, history, state, ipOf, events } = await suite.drill('scenarios/global-zone.yaml');
    assert.equal(result.code, 0, result.stderr.slice(-3000));
    const why = `notes ${JSON.stringify(report.notes)}`;
    const power = report.faults.find((f) => f.spec.kind === 'power')!;
    const sharded = history.filter((o) => o.service === 'sharded' && o.kind === 'write');
    const inZoneA = (w: (typeof sharded)[number]): boolean => ZONE_A_SHARDS.includes(shardOf(Number(w.key!.slice(1)), SHARDS));

    // The controller protected zone a's shards, then moved them to the two other zones.
    const log = events<DalEvent>('dal-controller');
    const protectedAt = log.find((e) => e.t === 'protected');
    const moved = log.find((e) => e.t === 'moved');
    assert.ok(protectedAt?.t === 'protected' && moved?.t === 'moved', `protected and moved: ${log.map((e) => e.t).join(', ')}`);
    assert.deepEqual([protectedAt.zone, protectedAt.shards], ['zone-a', ZONE_A_SHARDS]);
    assert.deepEqual(moved.moves.map((m) => m.shard).sort((a, b) => a - b), ZONE_A_SHARDS);
    assert.deepEqual(new Set(moved.moves.map((m) => m.to)), new Set(['zone-b', 'zone-c']), 'the lost shards spread over both other zones');
    const protectedWrites = sharded.filter((w) => inZoneA(w) && w.outcome === 'ok' && w.completeMs! > protectedAt.at + 50 && w.invokeMs < moved.at - 50);
    assert.deepEqual(protectedWrites.map((w) => w.id), [], 'no write of a protected shard acknowledged');

    // Clients outside zone a recovered, on both kinds of data; the other zones' own shards never stopped.
    for (const name of ['sharded', 'global']) {
      const s = report.services.find((x) => x.name === name)!;
      assert.ok(s.rto.byClient.filter((c) => c.idc !== 'idc-a').every((c) => c.recovered) && s.rtoMs !== null, `${name} recovered: ${why}`);
    }
    const othersOwn = sharded.filter((w) => w.idc !== 'idc-a' && !inZoneA(w) && w.invokeMs > power.requestedMs && w.route?.forwarded === false);
    assert.ok(othersOwn.length > 100, `zones b and c wrote their own shards after the loss: ${othersOwn.length}`);
    const global = report.services.find((x) => x.name === 'global')!;
    assert.ok(global.promotions.some((p) => p.node === 'global-b' || p.node === 'global-c'), `the global master moved: ${JSON.stringify(global.promotions)}`);

    // One home per user at a time, recounted from the history.
    const homes = homesOfUsers(sharded);
    assert.deepEqual([homes.overlapping, homes.epochBackwards], [[], []]);
    for (const [user, zones] of homes.moved) assert.equal(zones[0], 'zone-a', `${user} moved away from zone a`);
    assert.deepEqual(report.dal?.homeViolations, []);

    // Ground truth: the zones in service hold the same rows and registers (nothing diverged), and what they lack
    // is exactly the report's lost writes, all acknowledged in zone a; zone a's node came back fenced.
    const [b, c] = await Promise.all(['shard-b', 'shard-c'].map((n) => mysqlIds(ipOf(n), state.secrets.rootPassword)));
    assert.deepEqual([...b!].sort(), [...c!].sort(), 'shard-b and shard-c hold the same writes');
    const [rb, rc] = await Promise.all(['shard-b', 'shard-c'].map((n) => mysqlRegisters(ipOf(n), state.secrets.rootPassword)));
    assert.deepEqual(rb, rc, 'and the same value for every user');
    const s = report.services.find((x) => x.name === 'sharded')!;
    const missing = sharded.filter((w) => w.outcome === 'ok' && !b!.has(w.id)).map((w) => w.id).sort();
    assert.deepEqual([...s.lostIds].sort(), missing, why);
    for (const id of missing) assert.equal(sharded.find((w) => w.id === id)!.route?.zone, 'zone-a', `${id}, lost, was written in zone a`);
    assert.deepEqual([s.conflicts, s.divergent], [0, 0], why);
    assert.equal(await mysqlReadOnly(ipOf('shard-a'), state.secrets.rootPassword), 1, 'shard-a was fenced when it returned');

    // Global data read in the remote zones, from their local replicas, in steady state: how stale it was.
    const reads = global.reads!;
    for (const idc of ['idc-b', 'idc-c']) {
      const r = reads.byIdc.find((x) => x.idc === idc)!;
      assert.ok(r.ok > 50, `${idc} read global data locally: ${JSON.stringify(r)}`);
      assert.deepEqual(r.nodes, [ipOf(`global-${idc.slice(-1)}`)], `${idc} read its own zone replica`);
    }
    // Every read went through the zone's router, and the steady state's stale-read age was measured.
    assert.ok(report.dal!.routers.every((x) => x.reads > 0), JSON.stringify(report.dal!.routers));
    assert.ok(global.phases.before.staleAge.count > 50, `steady-state stale-read ages of global data: ${JSON.stringify(global.phases.before.staleAge)}`);
  });
});
