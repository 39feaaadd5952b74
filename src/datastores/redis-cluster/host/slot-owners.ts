// Who owns each slot, from the views of every node that could be asked: the
// rule Redis Cluster itself applies (the claim with the higher configEpoch
// wins), so the final read knows which node's copy of a key counts.
import { CLUSTER_SLOTS } from '../key-slot.js';
import type { ClusterView } from './cluster-nodes.js';

export interface SlotOwner {
  /** The slot range, inclusive. */
  start: number;
  end: number;
  /** The winning master's id and address; null when no view assigns these slots. */
  id: string | null;
  ip: string | null;
  name?: string;
  configEpoch: number;
  /** How many of the views name this owner for the range, out of `views`: less than all while the cluster has not converged. */
  agreeing: number;
  views: number;
}

interface Claim {
  id: string;
  ip: string;
  name: string | undefined;
  configEpoch: number;
  votes: number;
}

/**
 * Every slot, in ranges, with its authoritative owner. Redis resolves two
 * masters claiming a slot by configEpoch: the one a failover gave the higher
 * epoch wins, and the loser, once it hears of it, gives the slot up. Each
 * view's claim for a master carries the epoch that view knows, and the
 * highest one is the freshest; between equal epochs (the views are then
 * about one node, or the cluster is split), the owner more views name wins.
 */
export function clusterSlotOwners(views: readonly ClusterView[]): SlotOwner[] {
  const claims: Map<string, Claim>[] = Array.from({ length: CLUSTER_SLOTS }, () => new Map());
  for (const view of views) {
    for (const node of view.nodes) {
      if (node.role !== 'master') continue;
      for (const [from, to] of node.slots) {
        for (let slot = from; slot <= to && slot < CLUSTER_SLOTS; slot++) {
          const bySlot = claims[slot] as Map<string, Claim>;
          const claim = bySlot.get(node.id);
          if (claim) {
            claim.votes++;
            claim.configEpoch = Math.max(claim.configEpoch, node.configEpoch);
          } else {
            bySlot.set(node.id, { id: node.id, ip: node.ip, name: node.name, configEpoch: node.configEpoch, votes: 1 });
          }
        }
      }
    }
  }
  const owners: SlotOwner[] = [];
  for (let slot = 0; slot < CLUSTER_SLOTS; slot++) {
    const winner = [...(claims[slot] as Map<string, Claim>).values()].sort((a, b) => b.configEpoch - a.configEpoch || b.votes - a.votes || a.id.localeCompare(b.id))[0];
    const last = owners[owners.length - 1];
    if (last && last.end === slot - 1 && last.id === (winner?.id ?? null) && last.agreeing === (winner?.votes ?? 0) && last.configEpoch === (winner?.configEpoch ?? 0)) {
      last.end = slot;
      continue;
    }
    owners.push({
      start: slot,
      end: slot,
      id: winner?.id ?? null,
      ip: winner?.ip ?? null,
      ...(winner?.name === undefined ? {} : { name: winner.name }),
      configEpoch: winner?.configEpoch ?? 0,
      agreeing: winner?.votes ?? 0,
      views: views.length,
    });
  }
  return owners;
}

/** The owner of one slot, from clusterSlotOwners' ranges (which cover every slot in order). */
export function ownerOf(owners: readonly SlotOwner[], slot: number): SlotOwner | undefined {
  let low = 0;
  let high = owners.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    const range = owners[mid] as SlotOwner;
    if (slot < range.start) high = mid - 1;
    else if (slot > range.end) low = mid + 1;
    else return range;
  }
  return undefined;
}
