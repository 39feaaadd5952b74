// A saved history read a block at a time: the same lines as splitting the
// whole text, whatever falls on a block's edge.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { readLinesSync } from '../../src/file-lines.js';
import { historyIdsOf } from '../../src/core/check/id-index.js';
import { HistoryParseError, mergeHistory, parseHistoryJsonl } from '../../src/core/check/merge-history.js';
import { parseSavedHistory, readSavedHistory } from '../../src/core/report/load-report.js';
import { readHistoryDir } from '../../src/engine/history-files.js';

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

  test('a four-byte character cut by the block edge at any of its bytes is read whole', () => {
    for (let before = 1; before <= 4; before++) {
      const text = `${'a'.repeat((1 << 20) - before)}😀x\nnext €\n`;
      assert.deepEqual([...readLinesSync(file(text))], text.split('\n').slice(0, -1));
    }
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

  test('a saved history tells how many lines were no op: none, and its file may be copied as it is', () => {
    const op = JSON.stringify({ id: 'w1', service: 'mysql', kind: 'write', client: 'c', idc: 'idc-a', invokeMs: 1, completeMs: 2, outcome: 'ok' });
    assert.deepEqual(readSavedHistory(readLinesSync(file(`${op}\n\n${op}\n`))).skipped, 0);
    assert.deepEqual(readSavedHistory(readLinesSync(file(`${op}\n{"t":"paused"}\n${op.slice(0, 20)}`))).skipped, 2);
  });

  test("a saved op keeps every field and the order mergeHistory gives them", () => {
    const line = { id: 'w1', service: 'mysql', kind: 'write', client: 'c', idc: 'idc-a', invokeMs: 1, completeMs: 2, outcome: 'failed', key: 'k1', error: 'READONLY', node: '10.0.0.1', route: { zone: 'z', epoch: 1, forwarded: false } };
    assert.equal(JSON.stringify(parseSavedHistory(JSON.stringify(line))[0]), JSON.stringify(line));
    const [unfinished] = parseSavedHistory(JSON.stringify({ id: 'w2', service: 'mysql', kind: 'write', client: 'c', idc: 'idc-a', invokeMs: 1, outcome: 'unknown' }));
    assert.equal(unfinished!.completeMs, null);
    assert.equal('key' in unfinished!, false);
  });

  test('a final state read after the history shares its ids; other strings are kept as they are', () => {
    const ops = parseSavedHistory(['a1', 'a2'].map((id) => JSON.stringify({ id, service: 'mysql', kind: 'write', client: 'c', idc: 'idc-a', invokeMs: 1, outcome: 'ok' })));
    const shared = historyIdsOf(ops);
    assert.equal(shared('a2'), 'a2');
    assert.equal(shared('not-an-op'), undefined);
  });
});

describe("an agent's history read by lines", () => {
  const invoke = (id: string, at: number): string => JSON.stringify({ t: 'invoke', id, service: 'mysql', kind: 'write', client: 'c1', idc: 'idc-a', at });
  const complete = (id: string, at: number): string => JSON.stringify({ t: 'complete', id, at, outcome: 'ok', node: '10.0.1.10' });

  test('parses as the whole text does: cut records, glued lines, blank lines at the end', () => {
    const texts = [
      [invoke('a', 1), complete('a', 2), invoke('b', 3), complete('b', 4).slice(0, 30) + invoke('r', 50), complete('r', 51), ''].join('\n'),
      [invoke('a', 1), complete('a', 2), invoke('b', 3).slice(0, 20), '', '   ', ''].join('\n'),
      [invoke('a', 1), complete('a', 2).slice(0, 10)].join('\n'),
      '',
    ];
    for (const text of texts) assert.deepEqual(parseHistoryJsonl(readLinesSync(file(text)), 'c1.jsonl'), parseHistoryJsonl(text, 'c1.jsonl'));
  });

  test('a cut record anywhere but at the end or glued to a whole one is damage, as in the whole text', () => {
    const text = [invoke('a', 1), complete('a', 2).slice(0, 10), invoke('b', 3), ''].join('\n');
    assert.throws(() => parseHistoryJsonl(text, 'c1.jsonl'), /c1\.jsonl:2: /);
    assert.throws(() => parseHistoryJsonl(readLinesSync(file(text)), 'c1.jsonl'), (e: unknown) => e instanceof HistoryParseError && e.line === 2);
  });

  test("a run's history directory merges as its files' lines merged whole", () => {
    const runDir = mkdtempSync(join(tmpdir(), 'hadrill-history-'));
    const a = [invoke('a1', 10), complete('a1', 12), invoke('a2', 20), complete('a2', 22).slice(0, 15)].join('\n');
    const b = [invoke('b1', 11), complete('b1', 30), invoke('b2', 15), ''].join('\n');
    writeFileSync(join(runDir, 'c1.jsonl'), a);
    writeFileSync(join(runDir, 'c2.jsonl'), b);
    writeFileSync(join(runDir, 'notes.txt'), 'not a history');
    const whole = mergeHistory([...parseHistoryJsonl(a, join(runDir, 'c1.jsonl')), ...parseHistoryJsonl(b, join(runDir, 'c2.jsonl'))]);
    assert.deepEqual(readHistoryDir(runDir), whole);
    assert.deepEqual(readHistoryDir(join(runDir, 'missing')).ops, []);
  });
});
