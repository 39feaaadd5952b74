// A service's writes counted and timed by phase: before the outage, during
// it, and after the last client recovered.
import type { OpRecord } from '../history.js';
import type { ServiceResult } from './check-types.js';
import type { PhaseStats } from './latency-types.js';
import { latencyStats, selectLatencyStats } from './latency.js';
import { scratchFloat64, scratchUint8 } from './scratch.js';
import type { PhaseReads } from './stale-reads.js';

/**
 * The phases are known only once the RTO is, so each write's invoke, outcome
 * and latency are noted as they come and sorted into phases at the end, in
 * one shared buffer; the read side of each phase comes from the stale-read
 * check.
 */
export class PhaseBuilder {
  private readonly invokes: Float64Array;
  /** 0 ok, 1 failed, 2 unknown */
  private readonly outcomes: Uint8Array;
  private readonly latencies: Float64Array;
  private n = 0;

  constructor(capacity: number) {
    this.invokes = scratchFloat64('phases.invokes', capacity);
    this.outcomes = scratchUint8('phases.outcomes', capacity);
    this.latencies = scratchFloat64('phases.latencies', capacity);
  }

  add(invokeMs: number, outcome: OpRecord['outcome'], latency: number | null): void {
    this.invokes[this.n] = invokeMs;
    this.outcomes[this.n] = outcome === 'ok' ? 0 : outcome === 'failed' ? 1 : 2;
    this.latencies[this.n++] = latency ?? Number.NaN;
  }

  finish(phaseOf: (invokeMs: number) => 0 | 1 | 2, reads: readonly [PhaseReads, PhaseReads, PhaseReads]): ServiceResult['phases'] {
    /** counts[4p + 0..3]: ops, ok, failed, unknown of phase p */
    const counts = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    const timed = [0, 0, 0];
    const tags = scratchUint8('phases.tags', this.n);
    for (let i = 0; i < this.n; i++) {
      const p = phaseOf(this.invokes[i]!);
      tags[i] = p;
      counts[4 * p]!++;
      counts[4 * p + 1 + this.outcomes[i]!]!++;
      if (this.outcomes[i] === 0 && !Number.isNaN(this.latencies[i]!)) timed[p]!++;
    }
    const offset = [0, timed[0]!, timed[0]! + timed[1]!];
    const fill = [...offset];
    const grouped = scratchFloat64('phases.grouped', timed[0]! + timed[1]! + timed[2]!);
    for (let i = 0; i < this.n; i++) {
      if (this.outcomes[i] !== 0 || Number.isNaN(this.latencies[i]!)) continue;
      grouped[fill[tags[i]!]!++] = this.latencies[i]!;
    }
    const stats = (p: number): PhaseStats => {
      const n = counts[4 * p]!;
      return {
        ops: n,
        ok: counts[4 * p + 1]!,
        failed: counts[4 * p + 2]!,
        unknown: counts[4 * p + 3]!,
        errorRate: n === 0 ? 0 : (counts[4 * p + 2]! + counts[4 * p + 3]!) / n,
        writeLatency: selectLatencyStats(grouped.subarray(offset[p]!, offset[p]! + timed[p]!)),
        reads: reads[p]!.reads,
        readErrors: reads[p]!.readErrors,
        readLatency: latencyStats(reads[p]!.latencies),
        staleAge: latencyStats(reads[p]!.ages),
        staleReads: reads[p]!.stale,
      };
    };
    return { before: stats(0), during: stats(1), after: stats(2) };
  }
}
