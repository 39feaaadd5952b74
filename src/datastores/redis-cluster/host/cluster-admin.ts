// hadrill's own access to Redis Cluster nodes from the host, by address:
// forming the cluster (meet, slots, replicas), one node's view of it, and
// the write ids a node holds for the final read.
import type { Redis } from 'ioredis';
import { ioredis } from '../../../client-libraries.js';
import { PORTS } from '../../../core/plan/topology-plan.js';
import { WRITE_KEY_PREFIX } from '../../../core/redis-keys.js';
import { waitFor } from '../../../core/wait.js';
import { CLUSTER_SLOTS } from '../key-slot.js';
import { clusterViewOf, parseClusterInfo, slotCount, type ClusterView } from './cluster-nodes.js';

/** One short-lived connection to one node; every call is bounded, so a frozen node costs at most timeoutMs. */
export async function withNode<T>(ip: string, password: string, fn: (r: Redis) => Promise<T>, timeoutMs = 2000): Promise<T> {
  const redis = new (ioredis().Redis)({ host: ip, port: PORTS.redis, password, lazyConnect: true, connectTimeout: timeoutMs, commandTimeout: timeoutMs, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  // ioredis rejects a failed connect with "Connection is closed."; the socket's own error says why.
  let socketError: Error | undefined;
  redis.on('error', (error: Error) => {
    socketError = error;
  });
  try {
    await redis.connect().catch((error: Error) => {
      throw new Error(`${ip}: ${socketError?.message ?? error.message}`);
    });
    return await fn(redis);
  } finally {
    redis.disconnect();
  }
}

/** One node's view of the cluster; names maps addresses to planned node names, to label the nodes. */
export async function clusterView(ip: string, password: string, names?: ReadonlyMap<string, string>): Promise<ClusterView> {
  return withNode(ip, password, async (r) => {
    const nodes = (await r.call('CLUSTER', 'NODES')) as string;
    const info = (await r.call('CLUSTER', 'INFO')) as string;
    return clusterViewOf(nodes, info, names);
  });
}

export interface ClusterContent {
  /** The node's own id (CLUSTER MYID). */
  id: string;
  role: 'master' | 'replica';
  /** A replica's master address and whether its replication link is up. */
  masterHost: string | null;
  linkUp: boolean | null;
  /** The ids of the writes whose keys this node holds (its own slots' keys only: every node has its own keyspace). */
  ids: string[];
}

/**
 * The write ids one node holds, and its role. SCAN names no key, so a node
 * answers it even while its cluster is down (CLUSTERDOWN refuses keyed
 * commands only): the final read works on a split or half-dead cluster.
 */
export async function readClusterContent(ip: string, password: string): Promise<ClusterContent> {
  return withNode(
    ip,
    password,
    async (r) => {
      const id = (await r.call('CLUSTER', 'MYID')) as string;
      const replication = parseClusterInfo(await r.info('replication'));
      const ids: string[] = [];
      let cursor = '0';
      do {
        const [next, batch] = await r.scan(cursor, 'MATCH', `${WRITE_KEY_PREFIX}*`, 'COUNT', 1000);
        cursor = next;
        for (const key of batch) ids.push(key.slice(WRITE_KEY_PREFIX.length));
      } while (cursor !== '0');
      const replica = replication.role === 'slave';
      return {
        id,
        role: replica ? 'replica' : 'master',
        masterHost: replica ? (replication.master_host ?? null) : null,
        linkUp: replica ? replication.master_link_status === 'up' : null,
        ids,
      };
    },
    10_000,
  );
}

export interface PlannedClusterNode {
  name: string;
  ip: string;
  role: 'master' | 'replica';
  /** A replica's master, by name. */
  replicaOf?: string;
}

/** How long each step of forming waits for the nodes, unless told otherwise. */
const FORM_STEP_TIMEOUT_MS = 60_000;

/**
 * Forms the cluster: every node meets the first, the masters get the 16384
 * slots in equal consecutive ranges (in the order given), each replica
 * replicates its master; it returns once every node reports cluster_state ok,
 * knows every other node with none suspected, and every replica's link to
 * its master is up. Run again on a formed cluster (even after failovers) it
 * does nothing it finds done, and only waits. Returns each node's id by name.
 */
export async function formCluster(nodes: readonly PlannedClusterNode[], password: string, signal?: AbortSignal, stepTimeoutMs = FORM_STEP_TIMEOUT_MS): Promise<Map<string, string>> {
  const masters = nodes.filter((n) => n.role === 'master');
  checkPlan(nodes, masters);
  const names = new Map(nodes.map((n) => [n.ip, n.name]));
  const wait = <T>(what: string, probe: () => Promise<T | undefined>): Promise<T> =>
    waitFor(what, probe, { timeoutMs: stepTimeoutMs, intervalMs: 200, ...(signal ? { signal } : {}), hint: 'Look at the node\'s log (`docker logs NAME`): a node that never answers, or refuses cluster commands, was not started in cluster mode.' });
  const view = (n: PlannedClusterNode): Promise<ClusterView> => clusterView(n.ip, password, names);

  const ids = new Map<string, string>();
  for (const n of nodes) {
    const id = await wait(`Redis Cluster node ${n.name} (${n.ip}) to answer CLUSTER MYID`, () => withNode(n.ip, password, async (r) => (await r.call('CLUSTER', 'MYID')) as string));
    ids.set(n.name, id);
  }

  // Distinct epochs before the nodes meet, as redis-cli does: otherwise every master starts at 0 and the
  // collision handling renumbers them one by one, and until then two masters' claims cannot be ordered.
  for (const [i, m] of masters.entries()) {
    const v = await view(m);
    if (v.nodes.length === 1 && v.myself.configEpoch === 0) await withNode(m.ip, password, (r) => r.call('CLUSTER', 'SET-CONFIG-EPOCH', String(i + 1)));
  }

  const [first, ...others] = nodes as [PlannedClusterNode, ...PlannedClusterNode[]];
  const known = await view(first);
  for (const n of others) {
    // Meeting an address already known or in handshake would only start a second, useless handshake.
    if (known.nodes.some((k) => k.ip === n.ip)) continue;
    await withNode(first.ip, password, (r) => r.call('CLUSTER', 'MEET', n.ip, String(PORTS.redis)));
  }
  for (const n of nodes) {
    await wait(`${n.name} to learn every other node of the cluster through ${first.name}`, async () => {
      const v = await view(n);
      const missing = nodes.filter((o) => !v.nodes.some((k) => k.id === ids.get(o.name) && !k.flags.includes('handshake')));
      if (missing.length === 0) return true;
      throw new Error(`${n.name} does not know ${missing.map((o) => o.name).join(', ')} yet`);
    });
  }

  const views = await Promise.all(nodes.map(view));
  const claimed = new Uint8Array(CLUSTER_SLOTS);
  for (const v of views) for (const k of v.nodes) for (const [from, to] of k.role === 'master' ? k.slots : []) claimed.fill(1, from, to + 1);
  for (const [i, m] of masters.entries()) {
    const [from, to] = slotRange(i, masters.length);
    const taken = claimed.subarray(from, to + 1).reduce((sum, c) => sum + c, 0);
    if (taken === to - from + 1) continue;
    if (taken > 0) throw new Error(`Redis Cluster node ${m.name}: ${taken} of its slots ${from}-${to} are already served by other nodes; form the cluster on empty nodes`);
    await withNode(m.ip, password, (r) => r.call('CLUSTER', 'ADDSLOTSRANGE', String(from), String(to)));
  }

  for (const n of nodes) {
    if (n.role !== 'replica') continue;
    const master = nodes.find((m) => m.name === n.replicaOf) as PlannedClusterNode;
    const masterId = ids.get(master.name) as string;
    const mine = (await view(n)).myself;
    // Already a replica (of its master, or of whoever took its master's slots), or a promoted replica serving slots: done.
    if (mine.role === 'replica' || slotCount(mine) > 0) continue;
    await wait(`${n.name} to learn that ${master.name} is a master serving slots`, async () => {
      const k = (await view(n)).nodes.find((x) => x.id === masterId);
      return k?.role === 'master' && slotCount(k) > 0 ? true : undefined;
    });
    await withNode(n.ip, password, (r) => r.call('CLUSTER', 'REPLICATE', masterId));
  }

  for (const n of nodes) {
    await wait(`${n.name} to report the cluster healthy`, async () => {
      const v = await view(n);
      if (v.state !== 'ok') throw new Error(`${n.name} reports cluster_state:${v.state} with ${v.slotsAssigned} slots assigned`);
      const unwell = v.nodes.filter((k) => k.pfail || k.fail || k.flags.includes('handshake') || k.flags.includes('noaddr') || (!k.myself && k.linkState !== 'connected'));
      if (unwell.length > 0) throw new Error(`${n.name} sees ${unwell.map((k) => `${k.name ?? k.ip} [${k.flags.join(',')} ${k.linkState}]`).join(', ')}`);
      if (v.nodes.length !== nodes.length) throw new Error(`${n.name} knows ${v.nodes.length} nodes, not ${nodes.length}`);
      if (v.myself.role !== 'replica') return true;
      const replication = parseClusterInfo(await withNode(n.ip, password, (r) => r.info('replication')));
      if (replication.master_link_status === 'up') return true;
      throw new Error(`${n.name}'s link to its master ${replication.master_host ?? '?'} is ${replication.master_link_status ?? 'not set up'}`);
    });
  }
  return ids;
}

function checkPlan(nodes: readonly PlannedClusterNode[], masters: readonly PlannedClusterNode[]): void {
  if (masters.length === 0) throw new Error('A Redis Cluster needs at least one master');
  if (new Set(nodes.map((n) => n.name)).size !== nodes.length) throw new Error('Redis Cluster node names must be unique');
  for (const n of nodes) {
    if (n.role === 'replica' && !masters.some((m) => m.name === n.replicaOf)) throw new Error(`Redis Cluster replica ${n.name} names ${n.replicaOf ?? 'no master'}, which is not a master of the cluster`);
  }
}

/** Master i of m serves the i-th of m consecutive shares of the slots, which differ by at most one slot. */
export function slotRange(i: number, m: number): [number, number] {
  return [Math.floor((i * CLUSTER_SLOTS) / m), Math.floor(((i + 1) * CLUSTER_SLOTS) / m) - 1];
}
