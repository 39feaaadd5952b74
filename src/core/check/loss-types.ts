// What a service lost: how many acknowledged writes and when (the RPO), why
// each was lost, and the split brain that loses writes by design.

export interface Rpo {
  lostWrites: number;
  /** From the oldest to the newest lost write's acknowledgement; null when nothing was lost. */
  windowMs: number | null;
  firstLostAckMs: number | null;
  lastLostAckMs: number | null;
  /** How long before the outage the oldest lost write was acknowledged (0 if after it); null when nothing was lost or there was no outage. */
  beforeOutageMs: number | null;
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
