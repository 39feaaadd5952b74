// What the checker takes and what it returns. The checker is pure: it sees a
// history, a final state and the fault timeline, never Docker or a clock.
// A result's parts are typed by concept in the *-types.ts files beside this.
import type { FaultEvent } from '../faults.js';
import type { FinalState, OpRecord, ServiceName } from '../history.js';
import type { BackupEvent } from '../plan/runtime-configs.js';
import type { GroupKind } from '../scenario/scenario.js';
import type { BackupSummary } from './backup-types.js';
import type { LatencyStats, PhaseStats } from './latency-types.js';
import type { LostCauseGroup, Rpo, SplitBrainResult } from './loss-types.js';
import type { ReadResult } from './read-types.js';
import type { DownInterval } from './rto.js';
import type { FailoverMilestones } from './rto-split.js';
import type { RtoDetail, RtoSplit } from './rto-types.js';
import type { ServiceTimeline } from './timeline-types.js';

// The report and the engine read a result's parts through this file.
export type { BackupSummary } from './backup-types.js';
export type { LatencyStats, PhaseStats } from './latency-types.js';
export type { LostCause, LostCauseGroup, Rpo, SplitBrainResult } from './loss-types.js';
export type { ReadResult } from './read-types.js';
export type { ClientRto, IdcRto, RtoDetail, RtoGap, RtoSplit } from './rto-types.js';
export type { ServiceTimeline, TimelineSeries } from './timeline-types.js';

export interface CheckInput {
  history: OpRecord[];
  finalState: FinalState;
  faults: FaultEvent[];
  /** The instant the RTO clock starts (when the first fault that can stop writes was requested); null when the drill had no outage. */
  outageStartMs: number | null;
  /** When the outage fault was healed, if it was. */
  outageEndMs: number | null;
  /**
   * IDCs hit by power, freeze or isolation: their clients are not measured
   * for RTO while down. Without `down`, each is taken as down from the
   * outage start to the end; with it, `down` gives the exact intervals.
   */
  outageIdcs: string[];
  down?: DownInterval[];
  /** Length of the window of sustained durable writes that ends an outage (RTO definition). */
  rtoWindowMs: number;
  /** Failover milestones reported by the failover machinery, per service, epoch ms. */
  failoverEvents?: Partial<Record<ServiceName, FailoverMilestones>>;
  /** The interval between one client's writes, per service: the resolution of its RTO. */
  writeIntervalMs?: Partial<Record<ServiceName, number>>;
  /** Node names by the address clients record, for split brain. */
  nodeNames?: Record<string, string>;
  /** Each node's IDC, by node name: which faults reached the node that acknowledged a lost write. */
  nodeIdcs?: Record<string, string>;
  /** Services built to take writes on one node at a time (split brain is measured for these); default: every service. */
  singleWriter?: Partial<Record<ServiceName, boolean>>;
  /** Each group's datastore kind, as the scenario names it ("unknown" in the report when not given). */
  kinds?: Partial<Record<ServiceName, GroupKind>>;
  /** Cold backups each group's machinery took. */
  backups?: Partial<Record<ServiceName, BackupEvent[]>>;
}

export interface ServiceResult {
  /** The group's name. */
  name: ServiceName;
  /** What its nodes run. */
  kind: GroupKind;
  /** writes attempted (reads are counted under reads) */
  attempted: number;
  acknowledged: number;
  failed: number;
  unknown: number;
  /** acknowledged ok and absent from the authoritative node's final state */
  lost: number;
  lostIds: string[];
  /** Why each lost write was lost, grouped; the counts add up to `lost`. Absent from reports written before hadrill recorded causes. */
  lostCauses?: LostCauseGroup[];
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
  /**
   * Failed writes by the error their client got (its code, e.g.
   * ER_LOCK_DEADLOCK for a Galera certification conflict), most frequent first.
   */
  failures: { cause: string; count: number }[];
  reads: ReadResult;
  /** RPO: how many acknowledged writes were lost, and when they had been acknowledged. */
  rpo: Rpo;
  /** The worst client's RTO, ms; null if there was no outage, if a client never recovered (recovered false), or if no write came after the outage began (not measured: recovered true). */
  rtoMs: number | null;
  recovered: boolean;
  /** RTO per client and IDC, with the gaps behind it. */
  rto: RtoDetail;
  /** The worst client's longest gap, split by the failover milestones. */
  rtoSplit: RtoSplit;
  /** For a service with one writer by design: time during which two or more nodes acknowledged writes. null for multi-writer services. */
  splitBrain: SplitBrainResult | null;
  /** Cold backups the group took, and what they cost; null for groups without backups. */
  backups: BackupSummary | null;
  /** Per client IDC; steadyWriteLatency: acknowledged writes invoked before the first fault (what its clients pay in normal operation). */
  byIdc: { idc: string; attempted: number; acknowledged: number; failed: number; unknown: number; lost: number; lostWindowMs: number | null; steadyWriteLatency: LatencyStats }[];
  /** Every promotion the failover machinery reported after the first fault: when, which node, and why. */
  promotions: { atMs: number; node: string; reason: string | null }[];
  /** Promotions before any fault was asked for (every one, in a drill without faults): false failovers. */
  promotionsWithoutFault?: { atMs: number; node: string; reason: string | null }[];
  phases: { before: PhaseStats; during: PhaseStats; after: PhaseStats };
  authoritativeNode: string | null;
  /** Write outcomes over time per client IDC, bucketed by invoke time; every service of a check shares bucketMs and startMs. */
  timeline: ServiceTimeline;
}

/** A service the check could not judge: there was no authoritative final state to judge it against. */
export interface IncompleteService {
  name: ServiceName;
  reason: string;
  /** What the history alone tells. */
  attempted: number;
  acknowledged: number;
  /** The nodes that answered the final read, and those that could not be read. */
  readable: string[];
  unreadable: { node: string; reason: string }[];
}
