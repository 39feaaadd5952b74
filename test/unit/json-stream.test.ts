// JSON read in pieces (a final state too large for one string) must give what
// JSON.parse gives for the whole text, wherever the pieces are cut, and
// refuse what JSON.parse refuses.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { JsonStreamParser, type JsonStreamOptions } from '../../src/core/json-stream.js';
import { readJsonFileSync } from '../../src/file-json.js';
import { Rand } from '../support/prng.js';

function parseInPieces(text: string, cuts: number[], options: JsonStreamOptions = {}): unknown {
  const parser = new JsonStreamParser(options);
  let from = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    parser.push(text.slice(from, cut));
    from = cut;
  }
  parser.push(text.slice(from));
  return parser.end();
}

const STRINGS = ['', 'a', 'mysql.app-idc-a.mxdrwndc.17', 'quote " and \\ backslash', 'tab\there\nnewline', '€ and 😀', '\u0000\u001f', '__proto__', '/slash/'];

function randomValue(r: Rand, depth: number): unknown {
  const pick = r.int(0, depth > 3 ? 4 : 7);
  switch (pick) {
    case 0:
      return r.pick(STRINGS) + (r.chance(0.5) ? String(r.int(0, 1e6)) : '');
    case 1:
      return r.pick([0, -0, 1, -1, 1.5, -2.25e-7, 1e21, 1796678360401.3394, 123456789, Number.MAX_SAFE_INTEGER]);
    case 2:
      return r.pick([true, false, null]);
    case 3:
      return r.int(-1000, 1000);
    case 4:
      return r.pick(STRINGS);
    case 5:
    case 6:
      return Array.from({ length: r.int(0, 6) }, () => randomValue(r, depth + 1));
    default:
      return Object.fromEntries(Array.from({ length: r.int(0, 5) }, () => [r.pick(STRINGS) + r.int(0, 3), randomValue(r, depth + 1)]));
  }
}

describe('JSON read in pieces', () => {
  test('random values, indented or not, cut anywhere, parse as JSON.parse parses them whole', () => {
    const r = new Rand(7);
    for (let k = 0; k < 400; k++) {
      const value = randomValue(r, 0);
      const text = JSON.stringify(value, null, r.pick([0, 2, 4]));
      const cuts = Array.from({ length: r.int(0, 6) }, () => r.int(0, text.length));
      assert.deepEqual(parseInPieces(text, cuts), JSON.parse(text), `${text} cut at ${cuts.join(',')}`);
    }
  });

  test('every piece one character long', () => {
    const text = ' {"a": [1, -2.5e3, "x\\"y", true, null, {}], "b": {"c": "€"}, "__proto__": 1} ';
    assert.deepEqual(parseInPieces(text, Array.from({ length: text.length }, (_, i) => i)), JSON.parse(text));
    assert.equal(Object.getPrototypeOf(parseInPieces(text, [])), Object.prototype, '"__proto__" is a key, never the prototype');
  });

  test('refuses what JSON.parse refuses, wherever the text is cut', () => {
    const bad = ['', ' ', '{', '[', '[1,]', '[,1]', '{"a" 1}', '{"a":1,}', '{a:1}', '01', '1.', '-', '.5', '+1', '1e', 'tru', 'nul', 'True', '"abc', '"a\\x"', '"tab\there"', '[1] x', '{}{}', '[1 2]', '{"a":1 "b":2}', ']', '"\\u12"'];
    for (const text of bad) {
      assert.throws(() => JSON.parse(text), SyntaxError, `JSON.parse takes ${text}`);
      for (let cut = 0; cut <= text.length; cut++) assert.throws(() => parseInPieces(text, [cut]), SyntaxError, `${JSON.stringify(text)} cut at ${cut}`);
    }
  });

  test('a number or a literal cut by a piece edge is read whole', () => {
    assert.deepEqual(parseInPieces('[12.5e3,true]', [2, 4, 6, 9, 11]), [12500, true]);
    assert.equal(parseInPieces('-0.25', [1, 2, 3]), -0.25);
  });

  test('string values are offered to the hook, keys are not; the copy it returns is kept', () => {
    const seen: string[] = [];
    const value = parseInPieces('{"ids": ["a", "one copy", "b\\u0021"], "k": "v"}', [5, 17], {
      string: (s) => {
        seen.push(s);
        return s === 'one copy' ? 'one copy' : undefined;
      },
    });
    assert.deepEqual(value, { ids: ['a', 'one copy', 'b!'], k: 'v' });
    assert.deepEqual(seen, ['a', 'one copy', 'b!', 'v'], 'an escaped string is given to the hook read');
  });

  test('array items are kept or dropped by the key the array is the value of', () => {
    const text = '{"ids": ["a", "b", "c"], "nodes": [{"ids": ["b", "d"], "role": "primary"}], "other": ["a", ["a"]]}';
    const value = parseInPieces(text, [9, 40], { arrayItem: (key, item) => key !== 'ids' || item === 'b' });
    assert.deepEqual(value, { ids: ['b'], nodes: [{ ids: ['b'], role: 'primary' }], other: ['a', ['a']] });
  });

  test('a file larger than a block, a multi-byte character across the block edge, reads as JSON.parse reads it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hadrill-json-'));
    const ids = Array.from({ length: 60_000 }, (_, i) => `mysql.app-idc-a.€.${i}`);
    const value = { readAtMs: 1.5, services: [{ service: 'mysql', nodes: [{ node: 'db-a', ids }] }] };
    const text = JSON.stringify(value, null, 2);
    assert.ok(Buffer.byteLength(text) > 2 << 20);
    const file = join(dir, 'final-state.json');
    writeFileSync(file, text);
    assert.deepEqual(readJsonFileSync(file), value);
    writeFileSync(file, text.slice(0, -1));
    assert.throws(() => readJsonFileSync(file), SyntaxError);
  });
});
