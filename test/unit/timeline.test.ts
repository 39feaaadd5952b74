// The per-IDC timeline in every ServiceResult, against a slow and obvious
// recomputation, plus the pieces the checker's speed rests on (selection,
// the id index, the k-way merge of history files).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkAll, checkService } from '../../src/core/check/checker.js';
import { IdIndex } from '../../src/core/check/id-index.js';
import { mergeHistory } from '../../src/core/check/merge-history.js';
import { MAX_BUCKETS, buildTimeline, selectInPlace, timelineBucketMs, timelineFrame } from '../../src/core/check/timeline.js';
import type { HistoryLine, OpRecord, Outcome, ServiceName } from '../../src/core/history.js';
import { prng } from '../support/prng.js';

const T0 = 1_790_000_000_000;

function op(id: string, idc: string, invokeMs: number, outcome: Outcome, latency: number | null, service: ServiceName = 'mysql'): OpRecord {
  return { id, service, kind: 'write', client: `c-${idc}`, idc, invokeMs, completeMs: latency === null ? null : invokeMs + latency, outcome };
}

function randomOps(seed: number, n: number, spanMs: number): OpRecord[] {
  const rand = prng(seed);
  const idcs = ['idc-c', 'idc-a', 'idc-b'];
  const outcomes: Outcome[] = ['ok', 'ok', 'ok', 'failed', 'unknown'];
  return Array.from({ length: n }, (_, i) => {
    const outcome = outcomes[Math.floor(rand() * outcomes.length)]!;
    const latency = outcome === 'unknown' && rand() < 0.5 ? null : Math.round(rand() * 3000) / 10;
    return op(`w${i}`, idcs[Math.floor(rand() * idcs.length)]!, T0 + 0.25 + rand() * spanMs, outcome, latency, rand() < 0.5 ? 'mysql' : 'redis');
  });
}

/** The definition, read literally: filter each bucket, sort its latencies. */
function naiveCell(ops: readonly OpRecord[], idc: string, from: number, to: number, last: boolean) {
  const inCell = ops.filter((o) => o.idc === idc && o.invokeMs >= from && (o.invokeMs < to || last));
  const lat = inCell.filter((o) => o.outcome === 'ok' && o.completeMs !== null).map((o) => o.completeMs! - o.invokeMs);
  lat.sort((a, b) => a - b);
  return {
    ok: inCell.filter((o) => o.outcome === 'ok').length,
    failed: inCell.filter((o) => o.outcome === 'failed').length,
    unknown: inCell.filter((o) => o.outcome === 'unknown').length,
    p99: lat.length === 0 ? null : lat[Math.max(0, Math.ceil(0.99 * lat.length) - 1)]!,
  };
}

describe('timeline bucket size', () => {
  it('is 1 s up to 600 buckets, then the next round size that fits in 600', () => {
    assert.equal(timelineBucketMs(0), 1000);
    assert.equal(timelineBucketMs(35_000), 1000);
    assert.equal(timelineBucketMs(599_999), 1000);
    assert.equal(timelineBucketMs(600_000), 2000);
    assert.equal(timelineBucketMs(3 * 3_600_000), 30_000);
    for (const span of [1, 59_999, 600_001, 7_654_321, 86_400_000, 30 * 86_400_000, 400 * 86_400_000]) {
      const b = timelineBucketMs(span);
      assert.ok(Math.floor(span / b) + 1 <= MAX_BUCKETS, `span ${span}: ${b} ms buckets`);
    }
  });

  it('frames the whole history from its earliest invoke, rounded down to a whole ms', () => {
    assert.deepEqual(timelineFrame([]), { startMs: 0, bucketMs: 1000, buckets: 0 });
    const frame = timelineFrame([op('a', 'idc-a', T0 + 2500, 'ok', 1), op('b', 'idc-a', T0 + 0.7, 'ok', 1)]);
    assert.deepEqual(frame, { startMs: T0, bucketMs: 1000, buckets: 3 });
  });
});

describe('buildTimeline', () => {
  it('counts outcomes and the nearest-rank p99 per IDC and bucket exactly as the definition does', () => {
    for (const [seed, n, span] of [
      [1, 3000, 20_000],
      [2, 5000, 2_000],
      [3, 200, 900_000],
      [4, 1, 0],
    ] as const) {
      const ops = randomOps(seed, n, span);
      const frame = timelineFrame(ops);
      const tl = buildTimeline(ops, frame);
      assert.equal(tl.startMs, frame.startMs);
      assert.equal(tl.bucketMs, frame.bucketMs);
      const idcs = [...new Set(ops.map((o) => o.idc))].sort();
      assert.deepEqual(
        tl.series.map((s) => s.idc),
        idcs,
        'one series per IDC, by name',
      );
      for (const s of tl.series) {
        for (const arr of [s.ok, s.failed, s.unknown, s.p99Ms]) assert.equal(arr.length, frame.buckets);
        for (let b = 0; b < frame.buckets; b++) {
          const from = frame.startMs + b * frame.bucketMs;
          const want = naiveCell(ops, s.idc, from, from + frame.bucketMs, b === frame.buckets - 1);
          assert.deepEqual({ ok: s.ok[b], failed: s.failed[b], unknown: s.unknown[b], p99: s.p99Ms[b] }, want, `seed ${seed}, ${s.idc}, bucket ${b}`);
        }
      }
    }
  });

  it('gives every service of a check the same frame, and counts that add up to the service totals', () => {
    const ops = randomOps(7, 4000, 45_000);
    const everything = (service: 'mysql' | 'redis') => ({ service, authoritativeNode: 'n1', nodes: [{ node: 'n1', idc: 'idc-b', role: 'primary', ids: ops.map((o) => o.id) }], unreadable: [] });
    const results = checkAll({
      history: ops,
      finalState: { readAtMs: T0 + 60_000, services: [everything('mysql'), everything('redis')] },
      faults: [],
      outageStartMs: T0 + 20_000,
      outageEndMs: null,
      outageIdcs: ['idc-a'],
      rtoWindowMs: 1000,
    });
    assert.deepEqual(
      results.map((r) => r.name),
      ['mysql', 'redis'],
    );
    const frame = timelineFrame(ops);
    for (const r of results) {
      assert.equal(r.timeline.startMs, frame.startMs);
      assert.equal(r.timeline.bucketMs, frame.bucketMs);
      const sum = (k: 'ok' | 'failed' | 'unknown'): number => r.timeline.series.reduce((n, s) => n + s[k].reduce((a, b) => a + b, 0), 0);
      assert.equal(sum('ok'), r.acknowledged);
      assert.equal(sum('failed'), r.failed);
      assert.equal(sum('unknown'), r.unknown);
      for (const i of r.byIdc) {
        const s = r.timeline.series.find((x) => x.idc === i.idc)!;
        assert.equal(s.ok.reduce((a, b) => a + b, 0) + s.failed.reduce((a, b) => a + b, 0) + s.unknown.reduce((a, b) => a + b, 0), i.attempted);
      }
    }
  });

  it('keeps a long session to at most 600 buckets', () => {
    const ops = [op('a', 'idc-a', T0, 'ok', 2), op('b', 'idc-b', T0 + 5 * 3_600_000, 'failed', 3)];
    const r = checkService(ops[0]!.service, { history: ops, finalState: { readAtMs: T0 + 6 * 3_600_000, services: [] }, faults: [], outageStartMs: null, outageEndMs: null, outageIdcs: [], rtoWindowMs: 1000 });
    // 5 h in 30 s buckets would be 601 of them: one too many.
    assert.equal(r!.timeline.bucketMs, 60_000);
    assert.equal(r!.timeline.series[0]!.ok.length, 301);
    assert.deepEqual(r!.timeline.series.map((s) => [s.idc, s.ok.reduce((a, b) => a + b), s.failed.reduce((a, b) => a + b)]), [
      ['idc-a', 1, 0],
      ['idc-b', 0, 1],
    ]);
  });

  it('has an empty timeline for a service with no operations', () => {
    const [r] = checkAll({
      history: [],
      finalState: { readAtMs: T0, services: [{ service: 'redis', authoritativeNode: 'r1', nodes: [{ node: 'r1', idc: 'idc-a', role: 'master', ids: ['ghost'] }], unreadable: [] }] },
      faults: [],
      outageStartMs: null,
      outageEndMs: null,
      outageIdcs: [],
      rtoWindowMs: 1000,
    });
    assert.deepEqual(r!.timeline, { bucketMs: 1000, startMs: 0, series: [] });
  });
});

describe('selectInPlace', () => {
  it('finds the k-th smallest like a sort does, on random, sorted, reversed and constant input', () => {
    const rand = prng(99);
    const shapes: ((i: number, n: number) => number)[] = [() => rand() * 1000, (i) => i, (i, n) => n - i, () => 7, () => Math.floor(rand() * 3), (i, n) => Math.min(i, n - i)];
    for (let t = 0; t < 3000; t++) {
      const n = 1 + Math.floor(rand() * (t % 7 === 0 ? 3000 : 40));
      const shape = shapes[t % shapes.length]!;
      const a = Float64Array.from({ length: n }, (_, i) => shape(i, n));
      const sorted = a.slice().sort();
      const k = Math.floor(rand() * n);
      assert.equal(selectInPlace(a.slice(), 0, n, k), sorted[k], `case ${t}: n ${n}, k ${k}`);
    }
  });

  it('selects within a sub-range and leaves the rest alone', () => {
    const a = Float64Array.from([9, 9, 5, 1, 4, 2, 3, 9, 9]);
    assert.equal(selectInPlace(a, 2, 7, 0), 1);
    assert.equal(selectInPlace(a, 2, 7, 4), 5);
    assert.deepEqual([a[0], a[1], a[7], a[8]], [9, 9, 9, 9]);
  });
});

describe('IdIndex', () => {
  it('finds the first position of each id and reports repeats, growing past its first size', () => {
    const ids: string[] = [];
    const index = new IdIndex((i) => ids[i]!, 1);
    for (let i = 0; i < 5000; i++) {
      const id = `m.app-idc-${i % 3}.run.${i}`;
      // The id is stored at its position only after add, as mergeHistory does.
      assert.equal(index.add(id, i), -1);
      ids.push(id);
    }
    assert.equal(index.add('m.app-idc-1.run.4', 5000), 4);
    assert.equal(index.add('m.app-idc-1.run.4', 5001), 4);
    assert.equal(index.size, 5000);
    for (let i = 0; i < 5000; i += 37) assert.equal(index.find(`m.app-idc-${i % 3}.run.${i}`), i);
    assert.equal(index.find('m.app-idc-0.run.5000'), -1);
    assert.equal(index.find(''), -1);
  });

  it('tells apart ids that differ only in one character anywhere', () => {
    const base = 'r.app-idc-b.mwwymosf.12345';
    const ids = [base, ...Array.from(base, (_, i) => base.slice(0, i) + '#' + base.slice(i + 1))];
    const index = new IdIndex((i) => ids[i]!, ids.length);
    ids.forEach((id, i) => assert.equal(index.add(id, i), -1));
    ids.forEach((id, i) => assert.equal(index.find(id), i));
  });
});

describe('mergeHistory with files back to back', () => {
  it('merges the files into invoke order, ties in the order the lines were read', () => {
    const file = (client: string, times: number[]): HistoryLine[] =>
      times.flatMap((at, i): HistoryLine[] => [
        { t: 'invoke', id: `${client}-${i}`, service: 'mysql', kind: 'write', client, idc: 'idc-a', at },
        { t: 'complete', id: `${client}-${i}`, at: at + 1, outcome: 'ok' },
      ]);
    const lines = [...file('a', [1, 5, 5, 9]), ...file('b', [0, 5, 6]), ...file('c', [5, 5, 10])];
    const ids = mergeHistory(lines).ops.map((o) => o.id);
    assert.deepEqual(ids, ['b-0', 'a-0', 'a-1', 'a-2', 'b-1', 'c-0', 'c-1', 'b-2', 'a-3', 'c-2']);
  });

  it('sorts many short runs the same way', () => {
    const rand = prng(5);
    const lines: HistoryLine[] = [];
    for (let f = 0; f < 200; f++) {
      let at = Math.floor(rand() * 50);
      for (let i = 0; i < 5; i++) {
        lines.push({ t: 'invoke', id: `f${f}-${i}`, service: 'redis', kind: 'write', client: `f${f}`, idc: 'idc-b', at });
        at += Math.floor(rand() * 3);
      }
    }
    const merged = mergeHistory(lines).ops;
    const expected = lines
      .map((l, seen) => ({ l: l as Extract<HistoryLine, { t: 'invoke' }>, seen }))
      .sort((x, y) => x.l.at - y.l.at || x.seen - y.seen)
      .map((x) => x.l.id);
    assert.deepEqual(
      merged.map((o) => o.id),
      expected,
    );
  });
});
