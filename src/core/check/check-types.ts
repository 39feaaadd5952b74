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
  /** reads invoked in the phase, and those that erred */
  reads: number;
  readErrors: number;
  /** latency of ok reads */
  readLatency: LatencyStats;
}

/**
 * Reads from each client's local node of the service. A read asks for the
 * id of the reading client's latest write the node holds; it is stale when
 * the client had an acknowledged write newer than that answer, and its age is
 * how long the oldest such write had been acknowledged when the read was sent.
 * A read sent after the outage started is judged only against writes that
 * survived (present in the final state): lost writes are counted as lost, not
 * as staleness.
 */
export interface ReadResult {
  attempted: number;
  ok: number;
  /** reads that erred or timed out */
  failed: number;
  /** ok reads that missed an acknowledged write */
  stale: number;
  /** ok reads whose answer is no write the reading client ever attempted: a sign of a broken workload or node */
  unexplained: number;
  /** Age of every ok, explained read (0 when it was fresh): p50, p99 and max. */
  staleAgeMs: LatencyStats;
  /** Latency of ok reads. */
  latency: LatencyStats;
  /** Per client IDC, with the nodes its clients read from. */
  byIdc: { idc: string; nodes: string[]; attempted: number; ok: number; failed: number; stale: number; p99AgeMs: number | null; maxAgeMs: number | null }[];
}

export interface ServiceResult {
  name: ServiceName;
  /** writes attempted (reads are counted under reads) */
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
  /** ids whose presence differs between the nodes in service, plus shared keys whose value differs between them */
  divergent: number;
  /**
   * Acknowledged writes to a shared key, present in the final state, whose
   * value was silently overwritten by an older acknowledged write from
   * another IDC: the key's final value comes from a write acknowledged
   * before this one was even sent.
   */
  conflicts: number;
  /** The overwritten writes, one per conflict. */
  conflictIds: string[];
  reads: ReadResult;
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
