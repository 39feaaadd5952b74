// Who owns each hash slot across several nodes' views (host/slot-owners.ts): the higher
// configEpoch wins a slot claimed twice, uncovered slots have no owner, and agreement is counted.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { clusterViewOf, type ClusterView } from '../../src/datastores/redis-cluster/host/cluster-nodes.js';
import { clusterSlotOwners, ownerOf, type SlotOwner } from '../../src/datastores/redis-cluster/host/slot-owners.js';
import { M_A, M_B, M_C, R_A, R_B, R_C, NAMES } from '../support/redis-cluster-ids.js';


const INFO = 'cluster_state:ok\r\ncluster_slots_assigned:16384\r\ncluster_current_epoch:7\r\n';

interface Line {
  id: string;
  ip: string;
  flags: string;
  master?: string;
  epoch: number;
  slots?: string;
}

/** A CLUSTER NODES reply in Redis 7's format, from its lines; the first is myself. */
function nodesText(lines: Line[]): string {
  return lines
    .map((l, i) => {
      const flags = i === 0 ? `myself,${l.flags}` : l.flags;
      const link = l.flags.includes('fail') && !l.flags.includes('fail?') ? 'disconnected' : 'connected';
      return `${l.id} ${l.ip}:6379@16379 ${flags} ${l.master ?? '-'} 0 1765111918000 ${l.epoch} ${link}${l.slots ? ` ${l.slots}` : ''}`;
    })
    .join('\n');
}

const view = (lines: Line[]): ClusterView => clusterViewOf(nodesText(lines), INFO, NAMES);

const mA: Line = { id: M_A, ip: '10.20.1.11', flags: 'master', epoch: 1, slots: '0-5460' };
const mB: Line = { id: M_B, ip: '10.20.2.11', flags: 'master', epoch: 2, slots: '5461-10922' };
const mC: Line = { id: M_C, ip: '10.20.3.11', flags: 'master', epoch: 3, slots: '10923-16383' };
const rA: Line = { id: R_A, ip: '10.20.2.12', flags: 'slave', master: M_A, epoch: 1 };
const rB: Line = { id: R_B, ip: '10.20.3.12', flags: 'slave', master: M_B, epoch: 2 };
const rC: Line = { id: R_C, ip: '10.20.1.12', flags: 'slave', master: M_C, epoch: 3 };

/** The ranges as compact tuples, for whole-map assertions. */
const summary = (owners: SlotOwner[]): [number, number, string | null, number, number, number][] => owners.map((o) => [o.start, o.end, o.name ?? o.id, o.configEpoch, o.agreeing, o.views]);

describe('clusterSlotOwners', () => {
  test('two views that agree: three ranges, each owned by its master with both views agreeing', () => {
    const owners = clusterSlotOwners([view([mA, mB, mC, rA, rB, rC]), view([mB, mA, mC, rA, rB, rC])]);
    assert.deepEqual(summary(owners), [
      [0, 5460, 'm-a', 1, 2, 2],
      [5461, 10922, 'm-b', 2, 2, 2],
      [10923, 16383, 'm-c', 3, 2, 2],
    ]);
    assert.deepEqual(owners.map((o) => [o.id, o.ip]), [
      [M_A, '10.20.1.11'],
      [M_B, '10.20.2.11'],
      [M_C, '10.20.3.11'],
    ]);
  });

  test('replicas never own slots, even if a (malformed) replica line lists some', () => {
    const owners = clusterSlotOwners([view([mB, mA, mC, { ...rA, slots: '0-5460' }])]);
    assert.equal(ownerOf(owners, 0)?.id, M_A);
    assert.equal(ownerOf(owners, 0)?.agreeing, 1);
  });

  test('a deposed master still claiming its old slots at a lower configEpoch loses them to the promoted replica', () => {
    // m-a was cut off: its own view still has it master of 0-5460 at epoch 1 and r-a its replica.
    const deposed = view([mA, mB, mC, rA, rB, rC]);
    // The majority promoted r-a at epoch 7; m-a is failed and slotless there.
    const majority = view([mB, { ...mA, flags: 'master,fail', slots: '' }, mC, { ...rA, flags: 'master', master: '-', epoch: 7, slots: '0-5460' }, rB, rC]);
    for (const views of [
      [deposed, majority],
      [majority, deposed],
    ]) {
      const owners = clusterSlotOwners(views);
      assert.deepEqual(summary(owners), [
        [0, 5460, 'r-a', 7, 1, 2],
        [5461, 10922, 'm-b', 2, 2, 2],
        [10923, 16383, 'm-c', 3, 2, 2],
      ], 'the order of the views does not matter');
      assert.equal(ownerOf(owners, 0)?.ip, '10.20.2.12');
    }
  });

  test('the higher configEpoch wins even when more views still name the deposed master', () => {
    const stale = (me: Line): ClusterView => view([me, ...[mA, mB, mC].filter((m) => m !== me), rA, rB, rC]);
    const promoted = view([mB, { ...mA, flags: 'master,fail', slots: '' }, mC, { ...rA, flags: 'master', master: '-', epoch: 7, slots: '0-5460' }, rB, rC]);
    const owners = clusterSlotOwners([stale(mA), stale(mC), promoted]);
    const first = ownerOf(owners, 100);
    assert.equal(first?.name, 'r-a');
    assert.equal(first?.configEpoch, 7);
    assert.equal(first?.agreeing, 1, 'one view of three names the winner');
    assert.equal(first?.views, 3);
    assert.equal(ownerOf(owners, 6000)?.agreeing, 3);
  });

  test('between equal epochs, the owner more views name wins', () => {
    // A split: two views give slots 0-5460 to m-a, one to r-a, all at epoch 1 (no failover finished).
    const split = view([mB, { ...mA, flags: 'master,fail?', slots: '' }, mC, { ...rA, flags: 'master', master: '-', epoch: 1, slots: '0-5460' }]);
    const owners = clusterSlotOwners([view([mA, mB, mC]), view([mC, mA, mB]), split]);
    assert.equal(ownerOf(owners, 0)?.id, M_A);
    assert.equal(ownerOf(owners, 0)?.agreeing, 2);
  });

  test('a view that knows a master at a newer epoch lifts that master\'s claim in every view', () => {
    // One view still has m-b at epoch 2, another has it at epoch 9 (say after a manual failover back).
    const owners = clusterSlotOwners([view([mA, mB, mC]), view([mA, { ...mB, epoch: 9 }, mC])]);
    assert.deepEqual([ownerOf(owners, 5461)?.id, ownerOf(owners, 5461)?.configEpoch, ownerOf(owners, 5461)?.agreeing], [M_B, 9, 2]);
  });

  test('slots no view assigns have no owner: id and ip null, epoch 0, nobody agreeing', () => {
    const owners = clusterSlotOwners([view([{ ...mA, slots: '0-99' }, mB, mC])]);
    assert.deepEqual(summary(owners), [
      [0, 99, 'm-a', 1, 1, 1],
      [100, 5460, null, 0, 0, 1],
      [5461, 10922, 'm-b', 2, 1, 1],
      [10923, 16383, 'm-c', 3, 1, 1],
    ]);
    const hole = ownerOf(owners, 100);
    assert.equal(hole?.id, null);
    assert.equal(hole?.ip, null);
    assert.ok(!('name' in hole!), 'an unowned range has no name');
  });

  test('no views at all: one unowned range over every slot', () => {
    assert.deepEqual(clusterSlotOwners([]), [{ start: 0, end: 16383, id: null, ip: null, configEpoch: 0, agreeing: 0, views: 0 }]);
  });

  test('while views disagree, agreeing is less than views exactly where they disagree', () => {
    // m-a's view has it owning all of 0-5460; m-b's view has m-a owning only 0-1000 (the rest unknown to it).
    const owners = clusterSlotOwners([view([mA, mB, mC]), view([mB, { ...mA, slots: '0-1000' }, mC])]);
    assert.deepEqual(summary(owners), [
      [0, 1000, 'm-a', 1, 2, 2],
      [1001, 5460, 'm-a', 1, 1, 2],
      [5461, 10922, 'm-b', 2, 2, 2],
      [10923, 16383, 'm-c', 3, 2, 2],
    ]);
    assert.ok(owners.some((o) => o.agreeing < o.views));
  });

  test('the ranges cover every slot once, in order, without gaps', () => {
    const owners = clusterSlotOwners([view([{ ...mA, slots: '0-10 12 20-5460' }, mB, mC]), view([mB, mA, mC])]);
    assert.equal(owners[0]?.start, 0);
    assert.equal(owners.at(-1)?.end, 16383);
    for (let i = 1; i < owners.length; i++) assert.equal(owners[i]?.start, owners[i - 1]!.end + 1);
    for (const o of owners) assert.ok(o.start <= o.end);
  });

  test('slots past 16383 in a claim are ignored', () => {
    const owners = clusterSlotOwners([view([{ ...mC, slots: '10923-20000' }, mA, mB])]);
    assert.equal(owners.at(-1)?.end, 16383);
    assert.equal(owners.at(-1)?.id, M_C);
  });
});

describe('ownerOf', () => {
  const owners = clusterSlotOwners([view([mA, mB, mC])]);

  test('finds the range at its first and last slot and on either side of a boundary', () => {
    assert.equal(ownerOf(owners, 0)?.id, M_A);
    assert.equal(ownerOf(owners, 5460)?.id, M_A);
    assert.equal(ownerOf(owners, 5461)?.id, M_B);
    assert.equal(ownerOf(owners, 10922)?.id, M_B);
    assert.equal(ownerOf(owners, 10923)?.id, M_C);
    assert.equal(ownerOf(owners, 16383)?.id, M_C);
  });

  test('returns the range itself, with its bounds', () => {
    const r = ownerOf(owners, 8000);
    assert.deepEqual([r?.start, r?.end], [5461, 10922]);
    assert.equal(r, owners[1]);
  });

  test('a slot outside 0..16383 has no owner', () => {
    assert.equal(ownerOf(owners, -1), undefined);
    assert.equal(ownerOf(owners, 16384), undefined);
    assert.equal(ownerOf([], 0), undefined);
  });

  test('agrees with a linear search on many fragmented ranges', () => {
    const fragmented = clusterSlotOwners([view([{ ...mA, slots: '0 2 4-9 100-200 5000' }, { ...mB, slots: '1 3 10-99 201-4999' }, mC])]);
    for (const slot of [0, 1, 2, 3, 4, 9, 10, 99, 100, 200, 201, 4999, 5000, 5001, 10922, 10923, 16383]) {
      const linear = fragmented.find((o) => o.start <= slot && slot <= o.end);
      assert.equal(ownerOf(fragmented, slot), linear, `slot ${slot}`);
    }
    assert.equal(ownerOf(fragmented, 3)?.id, M_B);
    assert.equal(ownerOf(fragmented, 5001)?.id, null);
  });
});
