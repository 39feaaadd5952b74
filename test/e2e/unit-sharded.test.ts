// End to end: unit-based sharding (Alibaba/Taobao). Users are sharded into
// two regional units behind a data access layer; unit c loses power. Only its
// shard may move (to unit b), unit b's own users must see no error at all,
// and no user may ever be written in two units at once: all of it recounted
// here from the history, the nodes' rows and the controller's own log.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { shardOf } from '../../src/datastores/dal/table.js';
import type { DalEvent } from '../../src/datastores/dal/protocol.js';
import { homesOfUsers } from '../support/dal-recount.js';
import { keptDrillSuite } from '../support/kept-drill.js';
import { mysqlIds, mysqlReadOnly } from '../support/node-reads.js';

const SHARDS = 10;
const UNIT_C_SHARDS = [5, 6, 7, 8, 9];

describe('unit-sharded: users homed in units b and c, unit c loses power', () => {
  const suite = keptDrillSuite('e2e-units');

  test("only unit c's shard moves, unit b's users never see an error, no user is written in two units at once", { timeout: 300_000 }, async () => {
    const { result, report, history, state, ipOf, events } = await suite.drill('scenarios/unit-sharded.yaml');
    assert.equal(result.code, 0, result.stderr.slice(-3000));
    const why = `notes ${JSON.stringify(report.notes)}`;
    const power = report.faults.find((f) => f.spec.kind === 'power')!;
    const users = history.filter((o) => o.service === 'users' && o.kind === 'write');
    const userOf = (key: string): number => Number(key.slice(1));
    const inUnitC = (w: (typeof users)[number]): boolean => UNIT_C_SHARDS.includes(shardOf(userOf(w.key!), SHARDS));

    // Unit b's own users: not one failed or unknown write, from clients outside the lost unit.
    const outside = users.filter((w) => w.idc !== 'idc-c' && !inUnitC(w));
    assert.ok(outside.length > 300, `unit b's users were written: ${outside.length}`);
    assert.deepEqual(outside.filter((w) => w.outcome !== 'ok').map((w) => `${w.id} ${w.outcome} ${w.error ?? ''}`), [], why);

    // The controller moved exactly unit c's shard, to unit b, under write protection.
    const log = events<DalEvent>('dal-controller');
    const protectedAt = log.find((e) => e.t === 'protected');
    const moved = log.find((e) => e.t === 'moved');
    assert.ok(protectedAt && protectedAt.t === 'protected' && moved && moved.t === 'moved', `the controller protected and moved: ${log.map((e) => e.t).join(', ')}`);
    assert.deepEqual([protectedAt.zone, protectedAt.shards], ['unit-c', UNIT_C_SHARDS]);
    assert.deepEqual(moved.moves, UNIT_C_SHARDS.map((shard) => ({ shard, to: 'unit-b' })));
    assert.ok(protectedAt.at > power.requestedMs && moved.at > protectedAt.at);
    assert.deepEqual(report.dal?.moves.map((m) => [m.zone, m.shards, m.to]), [['unit-c', UNIT_C_SHARDS, { 'unit-b': UNIT_C_SHARDS }]]);
    // The move is the sharded group's promotion: its RTO is split by it, as any tier's is by its failover.
    const usersResult = report.services.find((x) => x.name === 'users')!;
    assert.deepEqual(usersResult.promotions, [{ atMs: moved.at, node: 'users-b', reason: `took shards 5, 6, 7, 8, 9 of unit-c (epoch ${moved.epoch})` }]);

    // While protected, no write of those shards was acknowledged anywhere; some were refused for it.
    const duringProtection = users.filter((w) => inUnitC(w) && w.outcome === 'ok' && w.completeMs! > protectedAt.at + 50 && w.invokeMs < moved.at - 50);
    assert.deepEqual(duringProtection.map((w) => w.id), [], 'no write of a protected shard acknowledged');
    // After the move unit c's users are written in unit b, at the new epoch.
    const after = users.filter((w) => inUnitC(w) && w.outcome === 'ok' && w.invokeMs > moved.at);
    assert.ok(after.length > 50, `unit c's users written after the move: ${after.length}`);
    assert.deepEqual([...new Set(after.filter((w) => w.idc === 'idc-b').map((w) => `${w.route?.zone}@${w.route?.epoch}`))], [`unit-b@${moved.epoch}`]);

    // One home at a time, recounted: every user written in two units was written in the second only after the first.
    const homes = homesOfUsers(users);
    assert.deepEqual([homes.overlapping, homes.epochBackwards], [[], []]);
    for (const [user, zones] of homes.moved) assert.deepEqual(zones, ['unit-c', 'unit-b'], `${user} moved from unit c to unit b only`);
    assert.ok(homes.moved.size > 0, 'some of unit c\'s users were written in both units');
    assert.equal(report.dal?.movedUsers, homes.moved.size);
    assert.deepEqual(report.dal?.homeViolations, []);

    // Forwarding: a user whose request arrives in the other unit is written in its home, and it costs a WAN round trip.
    const forwarded = users.filter((w) => w.outcome === 'ok' && w.route?.forwarded === true && w.completeMs! < power.requestedMs);
    const local = users.filter((w) => w.outcome === 'ok' && w.route?.forwarded === false && w.completeMs! < power.requestedMs);
    for (const w of forwarded) assert.notEqual(w.route!.zone, w.idc === 'idc-b' ? 'unit-b' : 'unit-c', `${w.id} was forwarded to the other unit`);
    assert.ok(forwarded.length > 20 && local.length > 20, `forwarded ${forwarded.length}, local ${local.length} in steady state`);
    assert.ok(report.dal!.p50ForwardedMs! > report.dal!.p50LocalMs! + 20, `forwarded p50 ${report.dal!.p50ForwardedMs} ms, local ${report.dal!.p50LocalMs} ms, across a 30 ms round trip`);

    // Ground truth: users-b holds every acknowledged write but those unit c acknowledged and never shipped,
    // which the report counts as lost; users-c came back fenced, taking no writes.
    const s = report.services.find((x) => x.name === 'users')!;
    const onB = await mysqlIds(ipOf('users-b'), state.secrets.rootPassword);
    const missing = users.filter((w) => w.outcome === 'ok' && !onB.has(w.id)).map((w) => w.id).sort();
    assert.deepEqual([...s.lostIds].sort(), missing, why);
    for (const id of missing) assert.ok(users.find((w) => w.id === id)!.route?.zone === 'unit-c', `${id}, lost, was written in unit c`);
    // Why: users-c acknowledged them and is out of service (fenced) now; those it still holds are recounted from it.
    const onC = await mysqlIds(ipOf('users-c'), state.secrets.rootPassword);
    for (const g of s.lostCauses ?? []) {
      assert.deepEqual([g.cause, g.node, g.replacedBy, g.faults], ['unreplicated', 'users-c', 'users-b', ['power idc-c']], JSON.stringify(g));
      for (const id of g.ids) assert.deepEqual(g.stillOn, onC.has(id) ? ['users-c'] : [], `${id} is said to be on users-c exactly when it is`);
    }
    assert.equal((s.lostCauses ?? []).reduce((n, g) => n + g.count, 0), missing.length);
    assert.equal(await mysqlReadOnly(ipOf('users-c'), state.secrets.rootPassword), 1, 'users-c was fenced when it returned');
    assert.equal(s.conflicts, 0, why);
    // Global data never failed, but for unit c's own client while its unit was being switched off: its router may die first.
    const globalFailed = history.filter((o) => o.service === 'global' && o.kind === 'write' && o.outcome === 'failed');
    const whilePoweringOff = (o: (typeof history)[number]): boolean => o.idc === 'idc-c' && o.invokeMs >= power.requestedMs && o.invokeMs <= power.appliedMs;
    assert.deepEqual(globalFailed.filter((o) => !whilePoweringOff(o)).map((o) => `${o.id} ${o.error ?? ''}`), [], 'global data, written in the central unit, never failed');
  });
});
