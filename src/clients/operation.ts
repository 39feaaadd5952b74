// What a datastore kind's client does for the workload agent: one operation
// in, one attempt out. The agent's loops call these and record the results;
// the kinds implement them inside the agent's container.
import type { OpRoute, Outcome } from '../core/history.js';

export interface OpAttempt {
  outcome: Outcome;
  error?: string;
  node?: string;
  /** A read's answer: the id of the client's latest write the node holds, null for none. */
  observed?: string | null;
  /** A write through the data access layer: the zone that wrote it, at which epoch of the routing table, and whether it was forwarded there. */
  route?: OpRoute;
}

export interface OpRequest {
  /** Unique across every agent and incarnation. */
  id: string;
  /** The shared key a write sets, when the workload has shared keys. */
  key?: string;
  /** The key's number: the user id, for writes routed by user. */
  keyIndex?: number;
}

/** Performs one operation; never throws. */
export type OpFn = (op: OpRequest) => Promise<OpAttempt>;
