// The operation history that workload agents record, and the final state read
// from the surviving nodes: the two inputs of the checker.

/** A datastore group's name: every operation is on one group (the shorthand's groups are named mysql and redis). */
export type ServiceName = string;

/**
 * ok: the server acknowledged the write.
 * failed: the write was definitely not applied (refused before it was sent, or
 *   rejected by the server, e.g. read-only).
 * unknown: it may or may not have been applied (timeout, connection lost after
 *   sending, or the agent died before it saw the outcome).
 */
export type Outcome = 'ok' | 'failed' | 'unknown';

/**
 * write: adds the op's id to the service's set of writes and, when the op
 *   names a key, makes that id the key's value (a register shared by every
 *   client) and the client's latest write.
 * read: asks a node for the id of the reading client's latest write it holds
 *   (`observed`, null when it holds none); a read that errs is failed.
 */
export type OpKind = 'write' | 'read';

/**
 * One line of an agent's history file (`history/<client>.jsonl`). An agent
 * writes the invoke line before it sends the operation and the complete line
 * after it sees the outcome, each with a synchronous write, so a killed agent
 * leaves at worst an invoke without a completion (which reads as unknown).
 */
export type HistoryLine =
  | { t: 'invoke'; id: string; service: ServiceName; kind: OpKind; client: string; idc: string; at: number; key?: string }
  | { t: 'complete'; id: string; at: number; outcome: Outcome; error?: string; node?: string; observed?: string | null; route?: OpRoute }
  /** `reason: 'lease'`: the run's lease ran out (no final read asked for it). */
  | { t: 'paused'; client: string; at: number; reason?: 'lease' }
  | { t: 'resumed'; client: string; at: number };

/** How the data access layer routed a write: the zone whose node wrote it, the routing table's epoch there, and whether another zone's router forwarded it. */
export interface OpRoute {
  zone: string;
  epoch: number;
  forwarded: boolean;
}

/** One operation, invoke and completion merged. Times are epoch milliseconds (fractional allowed). */
export interface OpRecord {
  id: string;
  service: ServiceName;
  kind: OpKind;
  client: string;
  idc: string;
  invokeMs: number;
  /** null when the agent never recorded a completion (it died): outcome is then unknown. */
  completeMs: number | null;
  outcome: Outcome;
  error?: string;
  /** The node address the operation was sent to, when known. */
  node?: string;
  /** A write's shared key (register), when it set one. */
  key?: string;
  /** A completed read's answer: the id of the client's latest write the node held, or null for none. */
  observed?: string | null;
  /** A write through the data access layer: how it was routed. */
  route?: OpRoute;
}

export interface NodeState {
  node: string;
  idc: string;
  /** Role at the time of the final read, e.g. primary, replica, master, fenced. */
  role: string;
  /** Write ids present on this node. */
  ids: string[];
  /** Each shared key's value on this node: the id of the write that set it last. */
  registers?: Record<string, string>;
}

export interface ServiceFinalState {
  service: ServiceName;
  /**
   * writer: the one node named (authoritativeNode) holds the final state.
   * converged: every in-service node takes writes; together they hold it.
   * sharded: each in-service node holds its own shard (listed with only the
   *   writes of its own part), and together they hold it; nothing is
   *   expected on more than one of them.
   */
  authority?: 'writer' | 'converged' | 'sharded';
  /** The node whose content is the service's final state (the primary/master after recovery). null if none could be named. */
  authoritativeNode: string | null;
  /** Why no node could be named authoritative (the service then cannot be checked). */
  noAuthority?: string;
  /** Nodes in service: the authoritative node and those replicating from it. Divergence is counted among these. */
  nodes: NodeState[];
  /**
   * Nodes that answered but are out of the service's replication topology (a
   * fenced former primary, a replica that no longer replicates): their ids are
   * listed for inspection, e.g. the lost writes still on an old primary.
   */
  outOfService?: NodeState[];
  /** Nodes that could not be read (dead or unreachable), with the reason. */
  unreadable: { node: string; reason: string }[];
}

export interface FinalState {
  readAtMs: number;
  services: ServiceFinalState[];
}
