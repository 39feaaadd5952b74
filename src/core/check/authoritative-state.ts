// What a service's writes are judged against: the authoritative node's ids,
// or, for a converged or sharded service, the ids of every node in service
// together.
import type { NodeState, ServiceFinalState } from '../history.js';
import { indexIds, type IndexedIds } from './id-index.js';

export interface AuthoritativeState {
  /** The node named as holding the final state; null when none could be. */
  authoritativeNode: string | null;
  /** The in-service nodes together hold the final state (every one takes writes, or each holds a shard): a write none of them has is lost. */
  converged: boolean;
  /** Each in-service node holds its own shard: their lists differ by design, and no row is divergent for it. */
  sharded: boolean;
  /** The final ids as the nodes list them, repeats included. */
  finalList: string[];
  finalIds: IndexedIds;
  /** The nodes whose shared keys are checked for stale overwrites. */
  registerNodes: readonly NodeState[];
}

export function authoritativeState(state: ServiceFinalState | undefined): AuthoritativeState {
  const authoritativeNode = state?.authoritativeNode ?? null;
  const authorityNode = authoritativeNode === null ? undefined : state?.nodes.find((n) => n.node === authoritativeNode);
  const together = state?.authority === 'converged' || state?.authority === 'sharded';
  const converged = together && authorityNode !== undefined;
  const finalList = converged ? unionOfIds(state!.nodes) : (authorityNode?.ids ?? []);
  // One writer: its node's keys are the final state. Converged (every node
  // takes writes): a stale overwrite on any in-service node is a conflict.
  const registerNodes = state?.authority === 'converged' ? state.nodes : authorityNode ? [authorityNode] : [];
  return { authoritativeNode, converged, sharded: state?.authority === 'sharded', finalList, finalIds: indexIds(finalList, 'check.final'), registerNodes };
}

/** Every id some node holds, each once, in the order the nodes list them. */
function unionOfIds(nodes: readonly NodeState[]): string[] {
  if (nodes.length === 1) return nodes[0]!.ids;
  const seen = new Set<string>();
  for (const n of nodes) for (const id of n.ids) seen.add(id);
  return [...seen];
}
