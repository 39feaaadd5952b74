// What the checker takes and what it returns. The checker is pure: it sees a
// history, a final state and the fault timeline, never Docker or a clock.
import type { FaultEvent } from '../faults.js';
import type { FinalState, OpRecord, ServiceName } from '../history.js';
import type { BackupEvent } from '../plan/runtime-configs.js';
import type { GroupKind } from '../scenario/scenario.js';
import type { DownInterval } from './rto.js';
import type { FailoverMilestones } from './rto-split.js';

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
  /** Each group's datastore kind (mysql, galera, redis); by default the group's own name when it is one. */
  kinds?: Partial<Record<ServiceName, GroupKind>>;
  /** Cold backups each group's machinery took. */
  backups?: Partial<Record<ServiceName, BackupEvent[]>>;
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
  /** Stale-read age of the ok reads invoked in the phase (0 for a fresh one): steady state's is what a tier costs every day. */
  staleAge: LatencyStats;
  /** Of those reads, the stale ones (age above 0). */
  staleReads: number;
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
  /** The worst client's RTO, ms; null if there was no outage, or if a client never recovered. */
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
  phases: { before: PhaseStats; during: PhaseStats; after: PhaseStats };
  authoritativeNode: string | null;
  /** Write outcomes over time per client IDC, bucketed by invoke time; every service of a check shares bucketMs and startMs. */
  timeline: ServiceTimeline;
}

/**
 * What lost a write:
 * - unreplicated: the node that acknowledged it was replaced (another node promoted after it, or it is out
 *   of service now) before replication shipped it;
 * - split-brain: a one-writer service had two writers: acknowledged by a node while another node took writes
 *   too, or after another node was promoted in its place (a deposed writer that went on accepting);
 * - after-restored-backup: acknowledged after the copy of the backup the machinery restored began;
 * - dropped-by-its-node: the node still serves as the writer, was never replaced, and no longer holds it;
 * - lost-with-successor: the node was replaced by one that later lost writes it had acknowledged itself
 *   (it lost its data): the write may have reached it and gone with them, or never reached it;
 * - unexplained: none of these; the node is unknown, or the facts fit no design's loss.
 */
export type LostCause = 'unreplicated' | 'split-brain' | 'after-restored-backup' | 'dropped-by-its-node' | 'lost-with-successor' | 'unexplained';

export interface LostCauseGroup {
  cause: LostCause;
  /** The node that acknowledged them; null when the client recorded none. */
  node: string | null;
  /** The node promoted after them that took over the writes, if any. */
  replacedBy: string | null;
  /**
   * The faults that had a part, e.g. ["replication-stop db-b", "power idc-a"]: those touching the node that
   * acknowledged them or the one that replaced it, in force at the acknowledgement or begun after it and
   * before the promotion that replaced the node.
   */
  faults: string[];
  /** For after-restored-backup: the backup restored. */
  backup: string | null;
  /** Nodes that still hold every one of them (recoverable from there), e.g. a fenced former primary; empty when none does. */
  stillOn: string[];
  count: number;
  ids: string[];
  firstAckMs: number;
  lastAckMs: number;
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

export interface Rpo {
  lostWrites: number;
  /** From the oldest to the newest lost write's acknowledgement; null when nothing was lost. */
  windowMs: number | null;
  firstLostAckMs: number | null;
  lastLostAckMs: number | null;
  /** How long before the outage the oldest lost write was acknowledged (0 if after it); null when nothing was lost or there was no outage. */
  beforeOutageMs: number | null;
}

/** A stretch of time in which one client had no durable write. */
export interface RtoGap {
  /** Its first write that failed, ended unknown or was later lost (no earlier than the first fault). */
  startMs: number;
  /** The invoke of the write that starts its recovery window; null when it never recovered. */
  endMs: number | null;
  /** endMs - startMs; for an open gap, up to the client's last write. */
  lengthMs: number;
  /** The client's own IDC went down (power, freeze, isolation) before the gap closed: it ends there. */
  interrupted: boolean;
}

export interface ClientRto {
  client: string;
  idc: string;
  /** Its longest gap; null when it never recovered or was never measured. */
  rtoMs: number | null;
  recovered: boolean;
  /** false when every write of the client in the period fell while its own IDC was down. */
  measured: boolean;
  gaps: RtoGap[];
}

export interface IdcRto {
  idc: string;
  rtoMs: number | null;
  recovered: boolean;
  measured: boolean;
  /** The client that set the IDC's figure. */
  client: string | null;
}

export interface RtoDetail {
  /** The RTO's resolution: the interval between one client's writes; null when unknown. */
  resolutionMs: number | null;
  /** The client that set the service's RTO, and its IDC. */
  client: string | null;
  idc: string | null;
  /** That client's longest gap (its open one, when it never recovered). */
  gap: RtoGap | null;
  /** When the last client recovered from its last gap (the first fault, when none stopped): the end of the "during" phase. null without an outage, or when a client never recovered. */
  recoveredAtMs: number | null;
  byClient: ClientRto[];
  byIdc: IdcRto[];
}

/** Durations between milestones in order (fault, detected, promoted, first durable write); never negative. */
export interface RtoSplit {
  /** The fault the gap belongs to. */
  faultId: string | null;
  detectMs: number | null;
  promoteMs: number | null;
  rerouteMs: number | null;
  /** Said in words where a part cannot be a duration, e.g. clients served again before the promotion was reported. */
  note: string | null;
}

export interface SplitBrainResult {
  /** Total time during which runs of acknowledged writes on two or more nodes overlapped. */
  ms: number;
  intervals: { startMs: number; endMs: number; nodes: string[] }[];
  /** Every node that acknowledged writes in those intervals. */
  nodes: string[];
  /** Writes acknowledged inside the intervals, and how many of them were lost. */
  acknowledged: number;
  lost: number;
  byNode: { node: string; acknowledged: number; lost: number }[];
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

export interface BackupSummary {
  /** Cold backups shipped whole to storage during the run, and those that failed. */
  completed: number;
  failed: number;
  /** The server's own downtime per backup: stopped to serving again. */
  serverDowntimeMs: LatencyStats;
  /** Per backup finished before the first fault, the longest any client went from its last acknowledged write before the backup began to its first acknowledged write after. */
  clientDowntimeMs: LatencyStats;
  /** The newest backup complete before the first fault: what a restore can bring back. */
  lastBeforeFault: { name: string; stoppedAt: number; restartedAt: number } | null;
}
