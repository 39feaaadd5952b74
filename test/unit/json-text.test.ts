// A value's JSON text in chunks must join to exactly what JSON.stringify
// returns: a report file written either way is the same file.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { jsonChunks } from '../../src/core/json-text.js';
import { Rand } from '../support/prng.js';

const text = (value: unknown, indent?: number): string => [...jsonChunks(value, indent)].join('');

function randomValue(r: Rand, depth: number): unknown {
  switch (r.int(0, depth > 3 ? 5 : 9)) {
    case 0:
      return r.pick(['', 'id-1', 'quote " \\ \n', '€😀', '\u0007']);
    case 1:
      return r.pick([0, -0, 1.5, -3, 1e21, NaN, Infinity, 1796678360401.3394]);
    case 2:
      return r.pick([true, false, null]);
    case 3:
      return r.pick([undefined, () => 1, Symbol('s')]);
    case 4:
      return new Date(1_700_000_000_000 + r.int(0, 1e6));
    case 5:
      return { toJSON: (key: string) => `toJSON of ${key}` };
    case 6:
    case 7:
      // A long array, past the slices written whole, with a few composite items among its numbers.
      return Array.from({ length: depth < 2 ? r.pick([0, 1, 3, 5000]) : r.int(0, 3) }, () => (r.chance(0.998) && depth < 2 ? r.int(0, 1e6) : randomValue(r, depth + 1)));
    default:
      return Object.fromEntries(Array.from({ length: r.int(0, 5) }, (_, i) => [r.pick(['a', 'b', 'k"ey', '__proto__', String(i)]), randomValue(r, depth + 1)]));
  }
}

describe('JSON text in chunks', () => {
  test('random values join to what JSON.stringify returns, at every indentation', () => {
    const r = new Rand(11);
    for (let k = 0; k < 300; k++) {
      const value = randomValue(r, 0);
      if (JSON.stringify(value) === undefined) continue;
      for (const indent of [0, 2, 4]) assert.equal(text(value, indent), JSON.stringify(value, null, indent));
    }
  });

  test('a final state of long id lists comes in chunks of about a MiB', () => {
    const ids = Array.from({ length: 200_000 }, (_, i) => `mysql.app-idc-a.mxdrwndc.${i}`);
    const finalState = { readAtMs: 1, services: [{ service: 'mysql', nodes: [{ node: 'db-b', ids, registers: { k1: ids[5] } }, { node: 'db-c', ids: ids.slice(0, -3), empty: [] }] }] };
    const chunks = [...jsonChunks(finalState, 2)];
    assert.equal(chunks.join(''), JSON.stringify(finalState, null, 2));
    assert.ok(chunks.length > 5);
    assert.ok(chunks.every((c) => c.length < 2 << 20));
  });

  test('items that are objects with toJSON see their own index, as with JSON.stringify', () => {
    const items = [1, { toJSON: (key: string) => key }, 'x', { toJSON: (key: string) => Number(key) * 10 }];
    assert.equal(text(items, 2), JSON.stringify(items, null, 2));
  });

  test('a cycle or a bigint throws, as JSON.stringify does; so does a value with no JSON text', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic['self'] = { back: cyclic };
    assert.throws(() => text(cyclic), TypeError);
    assert.throws(() => text({ n: 1n }), TypeError);
    assert.throws(() => text([1, 2n]), TypeError);
    assert.throws(() => text(undefined), TypeError);
  });
});
