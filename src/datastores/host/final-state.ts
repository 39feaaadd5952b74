// Shared by the kinds' final reads: which read nodes are in service, and the
// announcement a manager or restore manager gives of the current writer.
import type { NodeState, ServiceFinalState } from '../../core/history.js';
import type { PrimaryAnnouncement } from '../../core/plan/runtime-configs.js';
import { PORTS, type ContainerPlan } from '../../core/plan/topology-plan.js';
import { fetchWithin } from '../../fetch-within.js';

/** In service: the authoritative node and the nodes that replicate from it; every other readable node is out of service. */
export function serviceState<N extends NodeState>(
  service: string,
  read: N[],
  authority: N | undefined,
  followsAuthority: (n: N) => boolean,
  unreadable: ServiceFinalState['unreadable'],
): ServiceFinalState {
  const inService = (n: N): boolean => n === authority || followsAuthority(n);
  const strip = ({ node, idc, role, ids, registers }: NodeState): NodeState => ({ node, idc, role, ids, ...(registers ? { registers } : {}) });
  return {
    service,
    authority: 'writer',
    authoritativeNode: authority?.node ?? null,
    nodes: read.filter(inService).map(strip),
    outOfService: read.filter((n) => !inService(n)).map(strip),
    unreadable,
  };
}

/**
 * A group whose every node takes writes: the nodes in service together hold
 * the final state (the checker counts a write lost only when none has it,
 * and what some lack as divergence); the one with the most writes is named.
 */
export function convergedState<N extends NodeState>(service: string, read: N[], inService: (n: N) => boolean, unreadable: ServiceFinalState['unreadable'], whyNone: string): ServiceFinalState {
  const strip = ({ node, idc, role, ids, registers }: NodeState): NodeState => ({ node, idc, role, ids, ...(registers ? { registers } : {}) });
  const serving = read.filter(inService);
  const named = serving.reduce<N | undefined>((best, n) => (best === undefined || n.ids.length > best.ids.length ? n : best), undefined);
  return {
    service,
    authority: 'converged',
    authoritativeNode: named?.node ?? null,
    ...(named ? {} : { noAuthority: whyNone }),
    nodes: serving.map(strip),
    outOfService: read.filter((n) => !inService(n)).map(strip),
    unreadable,
  };
}

/** The writer a manager (or a cold backup's restore manager) announces, or null when it cannot be asked. */
export async function announcement(machinery: ContainerPlan | undefined, token: string): Promise<PrimaryAnnouncement | null> {
  if (!machinery) return null;
  try {
    return await fetchWithin(`http://${machinery.ip}:${PORTS.manager}/primary`, { headers: { authorization: `Bearer ${token}` } }, 1500, async (r) => (r.ok ? ((await r.json()) as PrimaryAnnouncement) : null));
  } catch {
    return null;
  }
}
