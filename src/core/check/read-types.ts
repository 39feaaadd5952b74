// What a service's reads found: how many answered, and how out of date the
// answers were.
import type { LatencyStats } from './latency-types.js';

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
