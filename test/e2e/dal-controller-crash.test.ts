// End to end: the data access layer's controller is a node like any other and
// can crash. For 5 s it is dead: the routers keep writing for their 1.5 s lease,
// then refuse every routed write until it is back. Restarted from its memory
// file it must serve the same table, and still move a lost unit's shard.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { DalEvent } from '../../src/datastores/dal/protocol.js';
import { DAL_TIMING } from '../../src/datastores/dal/plan/plan.js';
import { homesOfUsers } from '../support/dal-recount.js';
import { keptDrillSuite } from '../support/kept-drill.js';

describe('the data access layer when its controller crashes', () => {
  const suite = keptDrillSuite('e2e-dalcrash');

  test('routers write on for their lease, then refuse; the restarted controller keeps its table and still moves a lost unit', { timeout: 300_000 }, async () => {
    const { result, report, history, events } = await suite.drill('test/fixtures/dal-controller-crash.yaml');
    assert.equal(result.code, 0, result.stderr.slice(-3000));
    const why = `notes ${JSON.stringify(report.notes)}`;
    const crash = report.faults.find((f) => f.spec.kind === 'crash')!;
    assert.ok(crash.healedMs !== null, 'the controller was started again');
    const writes = history.filter((o) => o.service === 'users' && o.kind === 'write');
    const power = report.faults.find((f) => f.spec.kind === 'power')!;
    // Before the unit's power loss (a router that restarts with its unit also refuses until it has a table).
    const stale = writes.filter((w) => w.outcome === 'failed' && w.error?.startsWith('DAL_TABLE_STALE') && w.invokeMs < power.requestedMs);

    // The lease held: a router's last answer came at most one poll before the kill, and its lease ran 1.5 s
    // from there; nothing was refused for a stale table before that...
    const leaseEnd = crash.requestedMs + DAL_TIMING.leaseMs - DAL_TIMING.pollMs - 50;
    assert.deepEqual(stale.filter((w) => w.invokeMs < leaseEnd).map((w) => w.id), [], 'no refusal within the lease');
    assert.ok(writes.some((w) => w.outcome === 'ok' && w.invokeMs > crash.appliedMs && w.invokeMs < leaseEnd), 'writes went on within the lease');
    // ...then every router refused, from both units, until the controller was back.
    assert.ok(stale.length > 20, `writes refused for a stale table: ${stale.length}`);
    assert.deepEqual([...new Set(stale.map((w) => w.idc))].sort(), ['idc-b', 'idc-c']);
    const log = events<DalEvent>('dal-controller');
    const restored = log.find((e) => e.t === 'restored');
    assert.ok(restored?.t === 'restored', `the controller restarted from its memory: ${log.map((e) => e.t).join(', ')}`);
    assert.deepEqual([restored.epoch, restored.lost], [1, []]);
    assert.ok(restored.at > crash.appliedMs && restored.at < crash.healedMs! + 5000, 'restored when the crash was healed');
    assert.deepEqual(stale.filter((w) => w.invokeMs > restored.at + 2 * DAL_TIMING.pollMs + 1000).map((w) => w.id), [], 'no refusal once the controller was back');

    // The restarted controller still moved the lost unit's shard, with a newer epoch, and fenced nothing wrongly.
    const moved = log.find((e) => e.t === 'moved');
    assert.ok(moved?.t === 'moved' && moved.at > restored.at && moved.epoch === 3, `moved after the restart: ${JSON.stringify(moved)}`);
    const homes = homesOfUsers(writes);
    assert.deepEqual([homes.overlapping, homes.epochBackwards], [[], []]);
    const s = report.services.find((x) => x.name === 'users')!;
    assert.equal(s.conflicts, 0, why);
    // The controller's death is an outage of every routed write, beyond its lease: the RTO shows it.
    assert.ok(s.rtoMs !== null && s.rtoMs >= crash.healedMs! - crash.appliedMs - DAL_TIMING.leaseMs - 500, `RTO ${s.rtoMs} ms for a controller dead ${crash.healedMs! - crash.appliedMs} ms`);
    assert.ok(report.dal!.routers.every((r) => (r.refused['DAL_TABLE_STALE'] ?? 0) > 0 || r.zone === 'unit-a'), JSON.stringify(report.dal!.routers));
  });
});
