// What the checker takes and what it returns. The checker is pure: it sees a
// history, a final state and the fault timeline, never Docker or a clock.
import type { FaultEvent } from '../faults.js';
import type { FinalState, OpRecord, ServiceName } from '../history.js';

export interface CheckInput {
  history: OpRecord[];
  finalState: FinalState;
  faults: FaultEvent[];
  /** The instant the RTO clock starts (the first outage fault's appliedMs); null when the drill had no outage. */
  outageStartMs: number | null;
  /** When the outage fault was healed, if it was (splits latency into before/during/after). */
  outageEndMs: number | null;
  /** IDCs hit by the outage: their clients are not "surviving clients" for RTO. */
  outageIdcs: string[];
  /** Length of the window of sustained successful writes that ends an outage (RTO definition). */
  rtoWindowMs: number;
  /** Failover milestones reported by the failover machinery, per service, epoch ms. */
  failoverEvents?: Partial<Record<ServiceName, { detectedMs?: number; promotedMs?: number }>>;
}

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
}

export interface ServiceResult {
  name: ServiceName;
  attempted: number;
  acknowledged: number;
  failed: number;
  unknown: number;
  /** acknowledged ok and absent from the authoritative node's final state */
  lost: number;
  lostIds: string[];
  /** outcome unknown, present in the final state */
  unknownPresent: number;
  /** outcome unknown, absent from the final state */
  unknownAbsent: number;
  /** present in the final state, never attempted by any client */
  unexpected: number;
  unexpectedIds: string[];
  /** ids whose presence differs between readable surviving nodes */
  divergent: number;
  /** RPO: lost count, and time from the oldest lost write's acknowledgement to the outage start (0 if acknowledged after it) */
  rpo: { lostWrites: number; spanMs: number | null };
  /** ms from outage start to the start of the first sustained window; null if no outage, or if writes never recovered */
  rtoMs: number | null;
  recovered: boolean;
  rtoSplit: { detectMs: number | null; promoteMs: number | null; rerouteMs: number | null };
  byIdc: { idc: string; attempted: number; acknowledged: number; failed: number; unknown: number; lost: number }[];
  phases: { before: PhaseStats; during: PhaseStats; after: PhaseStats };
  authoritativeNode: string | null;
  /** Write outcomes over time per client IDC, bucketed by invoke time; every service of a check shares bucketMs and startMs. */
  timeline: ServiceTimeline;
}

export interface ServiceTimeline {
  /** Bucket width: 1 s, or wider so that a long history has at most 600 buckets. */
  bucketMs: number;
  /** Epoch ms where bucket 0 starts: the earliest invoke of any service, rounded down to a whole ms; 0 when nothing was invoked. */
  startMs: number;
  /** One per client IDC that wrote to the service, by IDC name; every array has one entry per bucket. */
  series: TimelineSeries[];
}

export interface TimelineSeries {
  idc: string;
  /** Writes invoked in the bucket, by outcome. */
  ok: number[];
  failed: number[];
  unknown: number[];
  /** Nearest-rank p99 latency of the bucket's ok writes; null when there were none. */
  p99Ms: (number | null)[];
}
