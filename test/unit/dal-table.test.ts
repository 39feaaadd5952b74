import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { flip, initialTable, newHomes, protect, routeWrite, shardOf, shardsOf } from '../../src/datastores/dal/table.js';

describe('the routing table', () => {
  const table = initialTable(6, { 'zone-a': [0, 3], 'zone-b': [1, 4], 'zone-c': [2, 5] });

  it('homes every shard where the scenario says, at epoch 1, nothing protected', () => {
    assert.deepEqual(table, { epoch: 1, homes: ['zone-a', 'zone-b', 'zone-c', 'zone-a', 'zone-b', 'zone-c'], protectedShards: [] });
    assert.deepEqual(shardsOf(table, 'zone-b'), [1, 4]);
  });

  it('shards users by id modulo the shard count, negative ids too', () => {
    assert.deepEqual([0, 5, 6, 13, -1].map((u) => shardOf(u, 6)), [0, 5, 0, 1, 5]);
  });

  it('moves a lost zone in two epochs: protected first, then flipped and writable again', () => {
    const p = protect(table, [0, 3]);
    assert.deepEqual([p.epoch, p.protectedShards, p.homes], [2, [0, 3], table.homes]);
    const moves = newHomes(p, 'zone-a', ['zone-b', 'zone-c'])!;
    const f = flip(p, moves);
    assert.equal(f.epoch, 3);
    assert.deepEqual(f.protectedShards, []);
    assert.deepEqual(shardsOf(f, 'zone-a'), []);
    // Spread: one shard to each survivor, the load stays even.
    assert.deepEqual([shardsOf(f, 'zone-b').length, shardsOf(f, 'zone-c').length], [3, 3]);
  });

  it('gives the lost shards to the least loaded candidates, never to the lost zone, and to nobody when none is left', () => {
    const uneven = initialTable(5, { 'zone-a': [0, 1], 'zone-b': [2, 3, 4], 'zone-c': [] });
    assert.deepEqual([...newHomes(uneven, 'zone-a', ['zone-a', 'zone-b', 'zone-c'])!], [[0, 'zone-c'], [1, 'zone-c']]);
    assert.equal(newHomes(uneven, 'zone-a', ['zone-a']), null);
  });

  it('routes a write: locally at its home, forwarded elsewhere, refused when protected, misrouted or stale', () => {
    const p = protect(table, [3]);
    assert.deepEqual(routeWrite(p, 'zone-a', 0, false, true), { kind: 'local' });
    assert.deepEqual(routeWrite(p, 'zone-a', 1, false, true), { kind: 'forward', zone: 'zone-b' });
    assert.equal((routeWrite(p, 'zone-a', 3, false, true) as { code: string }).code, 'DAL_WRITE_PROTECTED');
    // A forwarded write is never forwarded on: the router that sent it had an older table.
    assert.equal((routeWrite(p, 'zone-a', 1, true, true) as { code: string }).code, 'DAL_MISROUTED');
    // Past its lease a router writes nothing, not even its own shards.
    assert.equal((routeWrite(p, 'zone-a', 0, false, false) as { code: string }).code, 'DAL_TABLE_STALE');
  });
});
