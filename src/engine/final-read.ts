// The final read: which node is authoritative for each service now, and the
// write ids present on every node that can still be read.
import type { FinalState, NodeState, ServiceFinalState } from '../core/history.js';
import type { PrimaryAnnouncement } from '../core/plan/runtime-configs.js';
import { PORTS, type ContainerPlan } from '../core/plan/topology-plan.js';
import { nodeStatus, readRegisters, readWriteIds, withMysql } from './mysql-control.js';
import { readRedisContent, redisRole, sentinelView } from './redis-control.js';
import type { RunState } from './run-store.js';

export async function readFinalState(state: RunState): Promise<FinalState> {
  const services: ServiceFinalState[] = [];
  if (state.scenario.mysql) services.push(await readMysql(state));
  if (state.scenario.redis) services.push(await readRedis(state));
  return { readAtMs: Date.now(), services };
}

async function readMysql(state: RunState): Promise<ServiceFinalState> {
  const flavor = state.scenario.mysql?.flavor ?? 'mariadb';
  const read: (NodeState & { ip: string; source: string | null })[] = [];
  const unreadable: ServiceFinalState['unreadable'] = [];
  for (const c of containersOf(state, 'mysql')) {
    try {
      const { ids, registers, status } = await withMysql(
        c.ip,
        state.secrets,
        async (conn) => ({ ids: await readWriteIds(conn), registers: await readRegisters(conn), status: await nodeStatus(conn, flavor) }),
        3000,
      );
      const source = status.replica?.ioRunning || status.replica?.sqlRunning ? status.replica.source : null;
      read.push({ node: c.node, idc: c.idc, ip: c.ip, source, role: status.readOnly ? (source ? 'replica' : 'read-only') : 'writable', ids, registers });
    } catch (error) {
      unreadable.push({ node: c.node, reason: (error as Error).message });
    }
  }
  const announced = await announcedPrimary(state);
  const writable = read.filter((n) => n.role === 'writable');
  // The manager's word decides; without a manager, the one writable node (if exactly one).
  const primary = read.find((n) => n.node === announced?.name) ?? (writable.length === 1 ? writable[0] : undefined);
  if (primary) primary.role = 'primary';
  const result = serviceState('mysql', read, primary, (n) => primary !== undefined && n.source === primary.ip, unreadable);
  if (!primary) {
    const word = announced === null ? 'the failover manager could not be reached' : `the failover manager names ${announced.name}, which could not be read`;
    result.noAuthority = `${word}, and ${writable.length === 0 ? 'no node is writable' : `${writable.length} nodes are writable (${writable.map((n) => n.node).join(', ')})`}`;
  }
  return result;
}

/** In service: the authoritative node and the nodes that replicate from it; every other readable node is out of service. */
function serviceState<N extends NodeState>(
  service: ServiceFinalState['service'],
  read: N[],
  authority: N | undefined,
  followsAuthority: (n: N) => boolean,
  unreadable: ServiceFinalState['unreadable'],
): ServiceFinalState {
  const inService = (n: N): boolean => n === authority || followsAuthority(n);
  const strip = ({ node, idc, role, ids, registers }: NodeState): NodeState => ({ node, idc, role, ids, ...(registers ? { registers } : {}) });
  return {
    service,
    authoritativeNode: authority?.node ?? null,
    nodes: read.filter(inService).map(strip),
    outOfService: read.filter((n) => !inService(n)).map(strip),
    unreadable,
  };
}

export async function announcedPrimary(state: RunState): Promise<PrimaryAnnouncement | null> {
  const manager = containersOf(state, 'manager')[0];
  if (!manager) return null;
  try {
    const response = await fetch(`http://${manager.ip}:${PORTS.manager}/primary`, { headers: { authorization: `Bearer ${state.secrets.managerToken}` }, signal: AbortSignal.timeout(1500) });
    return response.ok ? ((await response.json()) as PrimaryAnnouncement) : null;
  } catch {
    return null;
  }
}

async function readRedis(state: RunState): Promise<ServiceFinalState> {
  const read: (NodeState & { ip: string; masterHost: string | null; linkUp: boolean })[] = [];
  const unreadable: ServiceFinalState['unreadable'] = [];
  const masterIp = await sentinelsMaster(state);
  for (const c of containersOf(state, 'redis')) {
    try {
      const role = await redisRole(c.ip, state.secrets);
      const { ids, registers } = await readRedisContent(c.ip, state.secrets);
      read.push({ node: c.node, idc: c.idc, ip: c.ip, role: role.role, ids, registers, masterHost: role.masterHost, linkUp: role.linkUp === true });
    } catch (error) {
      unreadable.push({ node: c.node, reason: (error as Error).message });
    }
  }
  // The Sentinels' word decides; without them, the one node that says it is master (if exactly one).
  const masters = read.filter((n) => n.role === 'master');
  const master = read.find((n) => n.ip === masterIp && n.role === 'master') ?? (masters.length === 1 ? masters[0] : undefined);
  const result = serviceState('redis', read, master, (n) => master !== undefined && n.masterHost === master.ip && n.linkUp, unreadable);
  if (!master) {
    const named = read.find((n) => n.ip === masterIp);
    const word = masterIp === null ? 'no Sentinel could be reached' : named ? `the Sentinels name ${named.node}, which is not a master` : `the Sentinels name ${masterIp}, which could not be read`;
    result.noAuthority = `${word}, and ${masters.length === 0 ? 'no node is a master' : `${masters.length} nodes are masters (${masters.map((n) => n.node).join(', ')})`}`;
  }
  return result;
}

/** The master most reachable Sentinels name. */
export async function sentinelsMaster(state: RunState): Promise<string | null> {
  const votes = new Map<string, number>();
  for (const s of containersOf(state, 'sentinel')) {
    try {
      const view = await sentinelView(s.ip, state.secrets);
      if (view.master) votes.set(view.master, (votes.get(view.master) ?? 0) + 1);
    } catch {
      // a dead or frozen Sentinel has no vote
    }
  }
  return [...votes.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? null;
}

export function containersOf(state: RunState, kind: ContainerPlan['kind']): ContainerPlan[] {
  return state.plan.containers.filter((c) => c.kind === kind);
}
