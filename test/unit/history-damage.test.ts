// Damaged history on hand-made text: a line an agent killed mid-write left
// cut short, glued to the first line of the restarted agent, and a
// completion stamped before its invoke.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkService } from '../../src/core/check/checker.js';
import { HistoryParseError, mergeHistory, parseHistoryJsonl } from '../../src/core/check/merge-history.js';
import type { HistoryLine } from '../../src/core/history.js';

const invoke = (id: string, at: number): string => JSON.stringify({ t: 'invoke', id, service: 'mysql', kind: 'write', client: 'c1', idc: 'idc-a', at });
const complete = (id: string, at: number, outcome = 'ok'): string => JSON.stringify({ t: 'complete', id, at, outcome, node: '10.0.1.10' });

describe('a line cut by a killed agent, glued to the restarted agent\'s first line', () => {
  it('drops the cut completion, keeps the whole record after it, and notes the cut', () => {
    // The agent was killed while writing c1-2's completion; the restarted agent appended to the same file.
    const text = [invoke('c1-1', 100), complete('c1-1', 105), invoke('c1-2', 110), complete('c1-2', 115).slice(0, 30) + invoke('c1r-0', 5000), complete('c1r-0', 5005), ''].join('\n');
    const lines = parseHistoryJsonl(text, 'history/c1.jsonl');
    const merged = mergeHistory(lines);
    assert.deepEqual(
      merged.ops.map((o) => [o.id, o.outcome, o.completeMs]),
      [
        ['c1-1', 'ok', 105],
        ['c1-2', 'unknown', null],
        ['c1r-0', 'ok', 5005],
      ],
    );
    assert.equal(merged.cutLines, 1);
    assert.deepEqual([merged.orphanCompletions, merged.duplicates], [0, 0]);
    assert.equal(merged.notes.length, 1);
    assert.match(merged.notes[0]!, /^1 history record cut short by an agent killed mid-write was dropped \(history\/c1\.jsonl:4\)/);
    assert.match(merged.notes[0]!, /left unknown: c1-2/);
  });

  it('drops a cut invoke: its write was never sent', () => {
    const text = [invoke('c1-1', 100), complete('c1-1', 105), invoke('c1-2', 110).slice(0, 25) + invoke('c1r-0', 5000), complete('c1r-0', 5005)].join('\n');
    const merged = mergeHistory(parseHistoryJsonl(text, 'c1.jsonl'));
    assert.deepEqual(merged.ops.map((o) => o.id), ['c1-1', 'c1r-0']);
    assert.equal(merged.cutLines, 1);
    assert.match(merged.notes[0]!, /an invoke cut short was never sent/);
    assert.doesNotMatch(merged.notes[0]!, /left unknown/);
  });

  it('keeps a whole record that only lacks its newline, and the record glued to it', () => {
    const text = [invoke('a', 1), complete('a', 2) + invoke('b', 3), complete('b', 4)].join('\n');
    const merged = mergeHistory(parseHistoryJsonl(text, 'c1.jsonl'));
    assert.deepEqual(merged.ops.map((o) => [o.id, o.outcome]), [['a', 'ok'], ['b', 'ok']]);
    assert.equal(merged.cutLines, 0);
    assert.deepEqual(merged.notes, []);
  });

  it('counts a cut last line too, and several cuts in one note', () => {
    const text = [invoke('a', 1).slice(0, 10) + invoke('b', 3), complete('b', 4), complete('b', 4).slice(0, 12)].join('\n');
    const merged = mergeHistory(parseHistoryJsonl(text, 'c1.jsonl'));
    assert.deepEqual(merged.ops.map((o) => o.id), ['b']);
    assert.equal(merged.cutLines, 2);
    assert.match(merged.notes[0]!, /^2 history records cut short by an agent killed mid-write were dropped \(c1\.jsonl:1, c1\.jsonl:3\)/);
  });

  it('still refuses a damaged line that no whole record follows, or that does not begin like a record', () => {
    assert.throws(() => parseHistoryJsonl(`${invoke('a', 1)}\n{"t":"invoke",,}\n${invoke('b', 2)}\n`, 'c1.jsonl'), HistoryParseError);
    assert.throws(() => parseHistoryJsonl(`${invoke('a', 1)}\nxx${invoke('b', 2)}\n${invoke('c', 3)}\n`, 'c1.jsonl'), /c1\.jsonl:2: /);
    // A record of the wrong shape after the cut is not a restarted agent's line.
    assert.throws(() => parseHistoryJsonl(`${invoke('a', 1).slice(0, 20)}{"t":"complete","id":"a","at":2,"outcome":"maybe"}\n${invoke('b', 2)}\n`, 'c1.jsonl'), /c1\.jsonl:1: /);
  });
});

describe('a completion stamped before its invoke', () => {
  const lines: HistoryLine[] = [
    { t: 'invoke', id: 'a', service: 'mysql', kind: 'write', client: 'c1', idc: 'idc-a', at: 100 },
    { t: 'complete', id: 'a', at: 90, outcome: 'ok' },
    { t: 'invoke', id: 'b', service: 'mysql', kind: 'write', client: 'c1', idc: 'idc-a', at: 200 },
    { t: 'complete', id: 'b', at: 210, outcome: 'ok' },
    // Seen before its invoke, so paired later, from the index.
    { t: 'complete', id: 'c', at: 290, outcome: 'failed' },
    { t: 'invoke', id: 'c', service: 'mysql', kind: 'write', client: 'c1', idc: 'idc-a', at: 300 },
    { t: 'invoke', id: 'd', service: 'mysql', kind: 'write', client: 'c1', idc: 'idc-a', at: 400 },
    { t: 'complete', id: 'd', at: 400, outcome: 'ok' },
  ];

  it('is refused at merge: the op stays unknown, and the note names it', () => {
    const merged = mergeHistory(lines);
    assert.deepEqual(
      merged.ops.map((o) => [o.id, o.outcome, o.completeMs]),
      [
        ['a', 'unknown', null],
        ['b', 'ok', 210],
        ['c', 'unknown', null],
        ['d', 'ok', 400],
      ],
    );
    assert.deepEqual(merged.completedBeforeInvoke, ['a', 'c']);
    assert.deepEqual(merged.notes, ['2 completions stamped before their invoke were refused, their ops left unknown: a, c']);
  });

  it('never yields a negative latency', () => {
    // Without the refusal, a's -10 ms would be the p50 of a and b.
    const { ops } = mergeHistory(lines.slice(0, 6));
    const r = checkService('mysql', {
      history: ops,
      finalState: { readAtMs: 1000, services: [{ service: 'mysql', authoritativeNode: 'm1', nodes: [{ node: 'm1', idc: 'idc-a', role: 'primary', ids: ['a', 'b'] }], unreadable: [] }] },
      faults: [],
      outageStartMs: null,
      outageEndMs: null,
      outageIdcs: [],
      rtoWindowMs: 1000,
    });
    assert.deepEqual(r.phases.before.writeLatency, { count: 1, p50Ms: 10, p99Ms: 10, maxMs: 10 });
    assert.deepEqual([r.acknowledged, r.unknown, r.unknownPresent, r.lost], [1, 2, 1, 0]);
  });
});
