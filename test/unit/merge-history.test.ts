import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HistoryParseError, mergeHistory, parseHistoryJsonl } from '../../src/core/check/merge-history.js';
import type { HistoryLine } from '../../src/core/history.js';

function invoke(id: string, at: number, client = 'c1', idc = 'idc-a'): HistoryLine {
  return { t: 'invoke', id, service: 'mysql', kind: 'write', client, idc, at };
}
function complete(id: string, at: number, outcome: 'ok' | 'failed' | 'unknown' = 'ok'): HistoryLine {
  return { t: 'complete', id, at, outcome };
}

describe('mergeHistory', () => {
  it('pairs invokes and completions by id whatever the line order', () => {
    const fileA = [invoke('a1', 10, 'ca'), complete('a1', 15), invoke('a2', 20, 'ca'), complete('a2', 31, 'failed')];
    const fileB = [invoke('b1', 12, 'cb', 'idc-b'), complete('b1', 40, 'unknown')];
    const lines = [fileB[1]!, fileA[3]!, fileA[0]!, fileB[0]!, fileA[2]!, fileA[1]!];
    const { ops, orphanCompletions, duplicates } = mergeHistory(lines);
    assert.equal(orphanCompletions, 0);
    assert.equal(duplicates, 0);
    assert.deepEqual(
      ops.map((o) => [o.id, o.client, o.idc, o.invokeMs, o.completeMs, o.outcome]),
      [
        ['a1', 'ca', 'idc-a', 10, 15, 'ok'],
        ['b1', 'cb', 'idc-b', 12, 40, 'unknown'],
        ['a2', 'ca', 'idc-a', 20, 31, 'failed'],
      ],
    );
  });

  it('reads an invoke without a completion as unknown with no completion time', () => {
    const { ops } = mergeHistory([invoke('x', 5)]);
    assert.equal(ops.length, 1);
    assert.equal(ops[0]!.outcome, 'unknown');
    assert.equal(ops[0]!.completeMs, null);
  });

  it('ignores completions without an invoke but counts them', () => {
    const { ops, orphanCompletions } = mergeHistory([complete('ghost', 3), invoke('x', 1), complete('x', 2), complete('ghost2', 9)]);
    assert.deepEqual(ops.map((o) => o.id), ['x']);
    assert.equal(orphanCompletions, 2);
  });

  it('keeps the first invoke and completion of a reused id and counts the rest', () => {
    const { ops, duplicates } = mergeHistory([invoke('x', 1), complete('x', 2, 'failed'), invoke('x', 3), complete('x', 4, 'ok')]);
    assert.equal(ops.length, 1);
    assert.equal(ops[0]!.outcome, 'failed');
    assert.equal(ops[0]!.completeMs, 2);
    assert.equal(duplicates, 2);
  });

  it('pairs completions that arrive long after their invoke, or before it', () => {
    const many = Array.from({ length: 40 }, (_, i) => `op${i}`);
    const lines = [complete('early', 50), ...many.map((id, i) => invoke(id, i)), invoke('early', 45), ...many.reverse().map((id, i) => complete(id, 100 + i))];
    const { ops, orphanCompletions, duplicates } = mergeHistory(lines);
    assert.equal(ops.length, 41);
    assert.ok(ops.every((o) => o.outcome === 'ok' && o.completeMs !== null));
    assert.equal(ops.find((o) => o.id === 'op0')!.completeMs, 139);
    assert.deepEqual([orphanCompletions, duplicates], [0, 0]);
  });

  it('counts every line of a file read twice as a duplicate, and keeps one op per id', () => {
    const file = [invoke('a', 1), complete('a', 2), invoke('b', 3), complete('b', 4, 'failed'), invoke('c', 5)];
    const { ops, duplicates, orphanCompletions } = mergeHistory([...file, ...file, invoke('d', 6), complete('d', 7)]);
    assert.deepEqual(ops.map((o) => [o.id, o.outcome]), [['a', 'ok'], ['b', 'failed'], ['c', 'unknown'], ['d', 'ok']]);
    assert.equal(duplicates, 5);
    assert.equal(orphanCompletions, 0);
  });

  it('carries the error and node of the completion, and skips pause markers', () => {
    const { ops } = mergeHistory([
      { t: 'paused', client: 'c1', at: 0 },
      invoke('x', 1),
      { t: 'complete', id: 'x', at: 2, outcome: 'failed', error: 'read-only', node: 'mysql-a1' },
      { t: 'resumed', client: 'c1', at: 3 },
    ]);
    assert.equal(ops.length, 1);
    assert.equal(ops[0]!.error, 'read-only');
    assert.equal(ops[0]!.node, 'mysql-a1');
  });
});

describe('parseHistoryJsonl', () => {
  const good = [invoke('a', 1), complete('a', 2)].map((l) => JSON.stringify(l)).join('\n');

  it('parses lines, skipping blank ones and CRLF endings', () => {
    const lines = parseHistoryJsonl(`${good.replace('\n', '\r\n')}\n\n`, 'c1.jsonl');
    assert.equal(lines.length, 2);
    assert.equal(lines[1]!.t, 'complete');
  });

  it('returns nothing for an empty file', () => {
    assert.deepEqual(parseHistoryJsonl('', 'c1.jsonl'), []);
  });

  it('drops a truncated final line left by a killed agent, and marks where', () => {
    const lines = parseHistoryJsonl(`${good}\n{"t":"invoke","id":"b","serv`, 'c1.jsonl');
    assert.deepEqual(lines.slice(2), [{ t: 'cut', source: 'c1.jsonl', line: 3, record: 'invoke', id: 'b' }]);
    const withNewline = parseHistoryJsonl(`${good}\n{"t":"complete","id":"a","at":2,"outc\n`, 'c1.jsonl');
    assert.deepEqual(withNewline.slice(2), [{ t: 'cut', source: 'c1.jsonl', line: 3, record: 'complete', id: 'a' }]);
    const merged = mergeHistory(withNewline);
    assert.equal(merged.ops[0]!.outcome, 'ok', 'a completion already recorded whole stands');
    assert.deepEqual(merged.notes, ['1 history record cut short by an agent killed mid-write was dropped (c1.jsonl:3)']);
  });

  it('rejects a corrupt line in the middle, naming the file and line', () => {
    const text = `${good}\n{"t":"invoke",,}\n${JSON.stringify(invoke('b', 3))}\n`;
    assert.throws(
      () => parseHistoryJsonl(text, 'history/c1.jsonl'),
      (err: unknown) =>
        err instanceof HistoryParseError &&
        err.line === 3 &&
        err.source === 'history/c1.jsonl' &&
        err.message.startsWith('history/c1.jsonl:3:'),
    );
  });

  it('rejects well-formed JSON of the wrong shape, even on the last line', () => {
    assert.throws(() => parseHistoryJsonl(`${good}\n{"t":"complete","id":"a","at":2,"outcome":"maybe"}`, 'c2.jsonl'), /c2\.jsonl:3: .*outcome/);
    assert.throws(() => parseHistoryJsonl('{"t":"invoke","id":"a","service":"","kind":"write","client":"c","idc":"i","at":1}\n', 'c3.jsonl'), /c3\.jsonl:1: .*service/);
    assert.throws(() => parseHistoryJsonl('{"t":"invoke","id":"a","service":7,"kind":"write","client":"c","idc":"i","at":1}\n', 'c3.jsonl'), /c3\.jsonl:1: .*service/);
    // A service is any group the scenario names, not only the two kinds.
    assert.equal(parseHistoryJsonl('{"t":"invoke","id":"a","service":"cache-a","kind":"write","client":"c","idc":"i","at":1}\n', 'c5.jsonl').length, 1);
    assert.throws(() => parseHistoryJsonl('[1,2]\n{}', 'c4.jsonl'), /c4\.jsonl:1: .*not an object/);
  });

  it('round-trips into mergeHistory', () => {
    const { ops } = mergeHistory(parseHistoryJsonl(good, 'c1.jsonl'));
    assert.deepEqual(ops.map((o) => [o.id, o.outcome, o.completeMs]), [['a', 'ok', 2]]);
  });
});
