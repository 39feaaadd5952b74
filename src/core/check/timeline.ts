// Write outcomes over time, per client IDC: what the HTML report draws, and
// what a reader needs to see the outage as the clients saw it. Every service
// of a report shares one frame (start and bucket size), so their charts line
// up.
import type { OpRecord, Outcome } from '../history.js';
import type { ServiceTimeline, TimelineSeries } from './timeline-types.js';
import { scratchFloat64, scratchInt32 } from './scratch.js';

export const DEFAULT_BUCKET_MS = 1000;
/** Enough resolution for a chart as wide as a screen, few enough numbers for report.json. */
export const MAX_BUCKETS = 600;
const NICE_BUCKETS_MS = [1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000, 3_600_000];
const HOUR_MS = 3_600_000;

export interface TimelineFrame {
  /** Epoch ms where bucket 0 starts: the earliest invoke of the whole history, rounded down to a whole ms. */
  startMs: number;
  bucketMs: number;
  /** Buckets up to and including the one holding the latest invoke. */
  buckets: number;
}

/** The smallest of 1 s, 2 s, 5 s, 10 s, ... 1 h (or a whole number of hours) that covers spanMs in at most MAX_BUCKETS buckets. */
export function timelineBucketMs(spanMs: number): number {
  const span = Math.max(0, spanMs);
  for (const b of NICE_BUCKETS_MS) if (Math.floor(span / b) + 1 <= MAX_BUCKETS) return b;
  return Math.ceil(span / (MAX_BUCKETS - 1) / HOUR_MS) * HOUR_MS;
}

export function timelineFrame(ops: readonly OpRecord[]): TimelineFrame {
  if (ops.length === 0) return { startMs: 0, bucketMs: DEFAULT_BUCKET_MS, buckets: 0 };
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < ops.length; i++) {
    const t = ops[i]!.invokeMs;
    if (t < min) min = t;
    if (t > max) max = t;
  }
  const startMs = Math.floor(min);
  const bucketMs = timelineBucketMs(max - startMs);
  return { startMs, bucketMs, buckets: Math.floor((max - startMs) / bucketMs) + 1 };
}

/**
 * Counts by outcome and the nearest-rank p99 latency of ok writes (reads are
 * left out), per client
 * IDC and bucket of invoke time.
 */
export function buildTimeline(ops: readonly OpRecord[], frame: TimelineFrame): ServiceTimeline {
  const builder = new TimelineBuilder(frame, ops.length);
  for (const op of ops) {
    if (op.kind !== 'write') continue;
    const latency = op.outcome === 'ok' && op.completeMs !== null ? op.completeMs - op.invokeMs : null;
    builder.add(builder.seriesOf(op.idc), op.invokeMs, op.outcome, latency);
  }
  return builder.finish();
}

/**
 * A timeline fed one op at a time, so the checker fills it during its own
 * pass over a service's ops. Linear: each op is counted and its latency noted
 * with its cell; finish places the latencies cell by cell in one array (a
 * counting sort) and finds each cell's p99 by selection, not by sorting it.
 */
export class TimelineBuilder {
  private readonly names: string[] = [];
  private readonly ok: Int32Array[] = [];
  private readonly failed: Int32Array[] = [];
  private readonly unknown: Int32Array[] = [];
  private readonly timed: Int32Array[] = [];
  private readonly cells: Int32Array;
  private readonly latencies: Float64Array;
  private noted = 0;

  /** capacity: at least the number of ops that will be added. */
  constructor(
    private readonly frame: TimelineFrame,
    capacity: number,
  ) {
    this.cells = scratchInt32('timeline.cells', capacity);
    this.latencies = scratchFloat64('timeline.latencies', capacity);
  }

  /** A new series, numbered from 0 in the order series are added. */
  addSeries(idc: string): number {
    for (const counts of [this.ok, this.failed, this.unknown, this.timed]) counts.push(new Int32Array(this.frame.buckets));
    return this.names.push(idc) - 1;
  }

  /** A drill has a handful of IDCs: scanning their names beats a map lookup. */
  seriesOf(idc: string): number {
    const s = this.names.indexOf(idc);
    return s === -1 ? this.addSeries(idc) : s;
  }

  /** latency: of an ok op with a completion time, else null. */
  add(series: number, invokeMs: number, outcome: Outcome, latency: number | null): void {
    const { startMs, bucketMs, buckets } = this.frame;
    const b = Math.min(buckets - 1, Math.max(0, Math.floor((invokeMs - startMs) / bucketMs)));
    if (outcome === 'ok') {
      this.ok[series]![b]!++;
      if (latency !== null) {
        this.timed[series]![b]!++;
        this.cells[this.noted] = series * buckets + b;
        this.latencies[this.noted++] = latency;
      }
    } else if (outcome === 'failed') this.failed[series]![b]!++;
    else this.unknown[series]![b]!++;
  }

  finish(): ServiceTimeline {
    const { startMs, bucketMs, buckets } = this.frame;
    const cells = this.names.length * buckets;
    // offset[c]: where cell c starts in grouped.
    const offset = new Int32Array(cells + 1);
    for (let s = 0; s < this.names.length; s++) for (let b = 0; b < buckets; b++) offset[s * buckets + b + 1] = offset[s * buckets + b]! + this.timed[s]![b]!;
    const fill = offset.slice(0, cells);
    const grouped = scratchFloat64('timeline.grouped', this.noted);
    for (let i = 0; i < this.noted; i++) grouped[fill[this.cells[i]!]!++] = this.latencies[i]!;

    const series: TimelineSeries[] = this.names.map((idc, s) => {
      const p99Ms: (number | null)[] = new Array<number | null>(buckets);
      for (let b = 0; b < buckets; b++) {
        const lo = offset[s * buckets + b]!;
        const n = offset[s * buckets + b + 1]! - lo;
        p99Ms[b] = n === 0 ? null : selectInPlace(grouped, lo, lo + n, Math.max(0, Math.ceil(0.99 * n) - 1));
      }
      return { idc, ok: Array.from(this.ok[s]!), failed: Array.from(this.failed[s]!), unknown: Array.from(this.unknown[s]!), p99Ms };
    });
    series.sort((a, b) => (a.idc < b.idc ? -1 : a.idc > b.idc ? 1 : 0));
    return { bucketMs, startMs, series };
  }
}

/**
 * The k-th smallest (0-based, k < hi - lo) of a[lo, hi), reordering that range:
 * quickselect with a median-of-three pivot, and a sort of what is left if it
 * keeps choosing badly, so a hostile input costs n log n, never n^2.
 */
export function selectInPlace(a: Float64Array, lo: number, hi: number, k: number): number {
  const target = lo + k;
  let left = lo;
  let right = hi - 1;
  let budget = 2 * Math.ceil(Math.log2(hi - lo + 1)) + 4;
  while (right > left) {
    if (budget-- === 0) {
      a.subarray(left, right + 1).sort();
      return a[target]!;
    }
    const mid = (left + right) >>> 1;
    const pivot = median3(a[left]!, a[mid]!, a[right]!);
    let i = left;
    let j = right;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (target <= j) right = j;
    else if (target >= i) left = i;
    else return a[target]!;
  }
  return a[target]!;
}

function median3(x: number, y: number, z: number): number {
  return x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y;
}
