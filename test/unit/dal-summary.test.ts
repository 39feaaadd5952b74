import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkHomes, summarizeDal } from '../../src/core/check/dal-summary.js';
import type { OpRecord, Outcome } from '../../src/core/history.js';

function write(id: string, user: string, zone: string, epoch: number, invokeMs: number, completeMs: number, forwarded = false, outcome: Outcome = 'ok'): OpRecord {
  return { id, service: 'users', kind: 'write', client: 'c', idc: 'idc-b', invokeMs, completeMs, outcome, key: user, route: { zone, epoch, forwarded } };
}

describe('one home per user at a time', () => {
  it('accepts a user that moved once, at a newer epoch, after its last write in the old home', () => {
    const writes = [write('1', 'k1', 'unit-c', 1, 0, 10), write('2', 'k1', 'unit-c', 1, 20, 30), write('3', 'k1', 'unit-b', 3, 40, 50), write('4', 'k2', 'unit-b', 1, 0, 5)];
    assert.deepEqual(checkHomes(writes), { violations: [], moved: 1 });
  });

  it('finds two homes at once: a write in the new home began before one in the old home ended', () => {
    const writes = [write('1', 'k1', 'unit-c', 1, 0, 100), write('2', 'k1', 'unit-b', 3, 50, 60)];
    const { violations } = checkHomes(writes);
    // Ordered by completion, b's write comes first and c's at epoch 1 after it: caught as an epoch going back.
    assert.equal(violations.length, 1);
    assert.match(violations[0]!.reason, /without a newer epoch/);
    const overlapping = [write('1', 'k1', 'unit-c', 1, 0, 100), write('2', 'k1', 'unit-b', 3, 90, 120)];
    assert.match(checkHomes(overlapping).violations[0]!.reason, /two homes at once/);
  });

  it('finds a new home without a newer epoch, and a user going back and forth', () => {
    assert.match(checkHomes([write('1', 'k1', 'unit-c', 2, 0, 10), write('2', 'k1', 'unit-b', 2, 20, 30)]).violations[0]!.reason, /without a newer epoch/);
    const back = [write('1', 'k1', 'unit-c', 1, 0, 10), write('2', 'k1', 'unit-b', 3, 20, 30), write('3', 'k1', 'unit-c', 1, 40, 50)];
    assert.equal(checkHomes(back).violations.length, 1);
  });
});

describe('summarizeDal', () => {
  it("sums each router's counters over its incarnations and pairs each protection with its move", () => {
    const metrics = (incarnation: string, local: number, refused: Record<string, number>) => ({ t: 'metrics', at: 0, zone: 'unit-b', incarnation, metrics: { local, forwarded: 1, received: 0, global: 0, reads: 2, refused, failed: 0 } });
    const summary = summarizeDal({
      shardedGroup: 'users',
      routerEvents: { 'unit-b': [metrics('a', 5, {}), metrics('a', 7, { DAL_WRITE_PROTECTED: 2 }), metrics('b', 3, { DAL_WRITE_PROTECTED: 1 })] },
      controllerEvents: [
        { t: 'protected', at: 1000, zone: 'unit-c', shards: [5, 6], epoch: 2 },
        { t: 'routers-stopped', at: 1400 },
        { t: 'caught-up', at: 1500 },
        { t: 'moved', at: 1600, zone: 'unit-c', moves: [{ shard: 5, to: 'unit-b' }, { shard: 6, to: 'unit-b' }], epoch: 3 },
      ],
      ops: [write('1', 'k5', 'unit-b', 1, 0, 4), write('2', 'k6', 'unit-c', 1, 0, 40, true), write('3', 'k7', 'unit-c', 1, 0, 44, true), write('4', 'k8', 'unit-b', 1, 0, 9, false, 'failed')],
    });
    assert.deepEqual(summary.routers, [{ zone: 'unit-b', local: 10, forwarded: 2, received: 0, global: 0, reads: 4, refused: { DAL_WRITE_PROTECTED: 3 }, failed: 0 }]);
    assert.deepEqual(summary.moves, [{ zone: 'unit-c', shards: [5, 6], to: { 'unit-b': [5, 6] }, protectedAt: 1000, movedAt: 1600, protectedMs: 600, epoch: 3, routersStoppedMs: 400, caughtUpMs: 500 }]);
    // Only acknowledged writes count: 3, two of them forwarded, their median 40 ms against 4 ms.
    assert.deepEqual([summary.acknowledged, summary.forwarded, summary.p50LocalMs, summary.p50ForwardedMs], [3, 2, 4, 40]);
  });
});

describe("the controller's moves as the sharded group's failover milestones", () => {
  it('reads each zone-down as a detection and each destination of a move as a promotion of that zone\'s node', async () => {
    const { dalMilestones } = await import('../../src/core/dal-log.js');
    const events = [
      { t: 'zone-down', at: 900, zone: 'zone-a', failures: 3, error: 'x' },
      { t: 'zone-down', at: 2000, zone: 'zone-a', failures: 3, error: 'x' },
      { t: 'protected', at: 2001, zone: 'zone-a', shards: [0, 3], epoch: 1 },
      { t: 'moved', at: 3500, zone: 'zone-a', moves: [{ shard: 0, to: 'zone-c' }, { shard: 3, to: 'zone-b' }], epoch: 2, protectedMs: 1499 },
      { t: 'moved', at: 5000, zone: 'zone-b', moves: [{ shard: 1, to: 'zone-c' }], epoch: 4, protectedMs: 900 },
    ];
    const m = dalMilestones(events, { 'zone-a': 'db-a', 'zone-b': 'db-b', 'zone-c': 'db-c' }, 1000);
    assert.deepEqual(m.detectedMs, [2000], 'a detection before the first fault is not one of this drill');
    assert.deepEqual(m.promotedMs, [3500, 5000]);
    assert.deepEqual(m.promotions, [
      { atMs: 3500, node: 'db-b', reason: 'took shard 3 of zone-a (epoch 2)' },
      { atMs: 3500, node: 'db-c', reason: 'took shard 0 of zone-a (epoch 2)' },
      { atMs: 5000, node: 'db-c', reason: 'took shard 1 of zone-b (epoch 4)' },
    ]);
  });
});
