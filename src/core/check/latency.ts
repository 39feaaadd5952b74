// Nearest-rank latency figures (p50, p99, max): every figure is a latency
// that was actually observed, never an interpolation between two.
import type { LatencyStats } from './latency-types.js';
import { selectInPlace } from './timeline.js';

/** Nearest-rank percentiles: always a latency that was actually observed. */
export function latencyStats(values: ArrayLike<number>): LatencyStats {
  return selectLatencyStats(Float64Array.from(values));
}

/** latencyStats by selection, reordering its argument: linear, where sorting is not. */
export function selectLatencyStats(a: Float64Array): LatencyStats {
  const n = a.length;
  if (n === 0) return { count: 0, p50Ms: null, p99Ms: null, maxMs: null };
  let max = a[0]!;
  for (let i = 1; i < n; i++) if (a[i]! > max) max = a[i]!;
  const rank = (p: number): number => Math.max(0, Math.ceil(p * n) - 1);
  const r50 = rank(0.5);
  const p50 = selectInPlace(a, 0, n, r50);
  // Selection leaves everything from r50 on at least p50, and r99 >= r50.
  const p99 = selectInPlace(a, r50, n, rank(0.99) - r50);
  return { count: n, p50Ms: p50, p99Ms: p99, maxMs: max };
}
