// A saved history read a block at a time: the same lines as splitting the
// whole text, whatever falls on a block's edge.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { readLinesSync } from '../../src/file-lines.js';
import { parseSavedHistory } from '../../src/core/report/load-report.js';

const dir = mkdtempSync(join(tmpdir(), 'hadrill-lines-'));
let n = 0;
const file = (text: string | Buffer): string => {
  const path = join(dir, `f${++n}`);
  writeFileSync(path, text);
  return path;
};

describe('reading a file a line at a time', () => {
  test('the lines of a file larger than a block, a multi-byte character cut by the block edge among them, are those of the whole text', () => {
    // 1 MiB blocks: put a three-byte character across the first edge.
    const head = 'a'.repeat((1 << 20) - 1);
    const text = `${head}€b\nsecond\n\nfourth €\n${'c'.repeat(3 << 20)}\nlast`;
    assert.deepEqual([...readLinesSync(file(text))], text.split('\n'));
  });

  test('a final newline ends the last line; no empty line is made up after it', () => {
    assert.deepEqual([...readLinesSync(file('one\ntwo\n'))], ['one', 'two']);
    assert.deepEqual([...readLinesSync(file(''))], []);
  });

  test('a saved history read by lines parses as the whole text does', () => {
    const ops = [
      { id: 'w1', service: 'mysql', idc: 'idc-a', invokeMs: 1, completeMs: 2, outcome: 'ok', kind: 'write' },
      { id: 'w2', service: 'redis', idc: 'idc-b', invokeMs: 3, completeMs: null, outcome: 'unknown', kind: 'write' },
    ];
    const text = ops.map((o) => JSON.stringify(o)).join('\n') + '\n{"cut short';
    assert.deepEqual(parseSavedHistory(readLinesSync(file(text))), parseSavedHistory(text));
    assert.equal(parseSavedHistory(readLinesSync(file(text))).length, 2);
  });
});
