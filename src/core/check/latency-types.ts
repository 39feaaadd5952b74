// How long operations took: nearest-rank latency figures, and a service's
// writes and reads counted and timed per phase of the drill.

export interface LatencyStats {
  count: number;
  p50Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
}

export interface PhaseStats {
  /** ops invoked in the phase */
  ops: number;
  ok: number;
  failed: number;
  unknown: number;
  /** (failed + unknown) / ops, 0 when ops is 0 */
  errorRate: number;
  /** latency of ok writes */
  writeLatency: LatencyStats;
  /** reads invoked in the phase, and those that erred */
  reads: number;
  readErrors: number;
  /** latency of ok reads */
  readLatency: LatencyStats;
  /** Stale-read age of the ok reads invoked in the phase (0 for a fresh one): steady state's is what a tier costs every day. */
  staleAge: LatencyStats;
  /** Of those reads, the stale ones (age above 0). */
  staleReads: number;
}
