// A Redis Cluster group on a live topology: formed once its nodes run, its
// final read per shard (each slot judged against the master that owns it,
// by the highest configEpoch the nodes report), convergence as the cluster
// sees itself, and the failovers its nodes logged.
import type { NodeState, ServiceFinalState } from '../../../core/history.js';
import { phase } from '../../../core/engine-events.js';
import { WRITE_KEY_PREFIX } from '../../../core/redis-keys.js';
import type { ContainerPlan } from '../../../core/plan/topology-plan.js';
import type { GroupContext, GroupEngine, NodeRow } from '../../host/group-engine.js';
import { slotOf } from '../key-slot.js';
import { replicaPairs } from '../model.js';
import { clusterView, formCluster, readClusterContent, type ClusterContent, type PlannedClusterNode } from './cluster-admin.js';
import { clusterMilestones, parseClusterLog } from './cluster-log.js';
import type { ClusterView } from './cluster-nodes.js';
import { clusterSlotOwners, ownerOf, type SlotOwner } from './slot-owners.js';

const namesByIp = (ctx: GroupContext): Map<string, string> => new Map(ctx.nodes.map((c) => [c.ip, c.node]));

/** Masters in the scenario's order (the slot ranges go to them in it), each replica with its master. */
function plannedNodes(ctx: GroupContext): PlannedClusterNode[] {
  const byName = new Map(ctx.nodes.map((c) => [c.node, c]));
  const replicaOf = new Map(replicaPairs(ctx.group.nodes).map((p) => [p.replica.name, p.master.name]));
  return ctx.group.nodes.map((n) => {
    const ip = byName.get(n.name)?.ip ?? '';
    const master = replicaOf.get(n.name);
    return master === undefined ? { name: n.name, ip, role: 'master' } : { name: n.name, ip, role: 'replica', replicaOf: master };
  });
}

interface NodeRead {
  container: ContainerPlan;
  content: ClusterContent;
  view: ClusterView;
}

async function readAll(ctx: GroupContext): Promise<{ read: NodeRead[]; unreadable: ServiceFinalState['unreadable'] }> {
  const names = namesByIp(ctx);
  const pw = ctx.secrets.redisPassword;
  const results = await Promise.all(
    ctx.nodes.map(async (container) => {
      try {
        const [content, view] = await Promise.all([readClusterContent(container.ip, pw), clusterView(container.ip, pw, names)]);
        return { ok: { container, content, view } as NodeRead };
      } catch (error) {
        return { failed: { node: container.node, reason: (error as Error).message } };
      }
    }),
  );
  return { read: results.flatMap((r) => (r.ok ? [r.ok] : [])), unreadable: results.flatMap((r) => (r.failed ? [r.failed] : [])) };
}

const describeRanges = (ranges: readonly SlotOwner[]): string => ranges.map((r) => (r.start === r.end ? `${r.start}` : `${r.start}-${r.end}`)).join(', ');

export const redisClusterEngine: GroupEngine = {
  missing: () => null,

  async bootstrap(ctx, startMachinery) {
    const planned = plannedNodes(ctx);
    const masters = planned.filter((n) => n.role === 'master').length;
    await phase(ctx.emit, `${ctx.group.name}-cluster`, `${ctx.group.name}: forming a Redis Cluster of ${masters} masters and ${planned.length - masters} replicas`, async () => {
      await formCluster(planned, ctx.secrets.redisPassword, ctx.signal);
      await startMachinery(ctx.machinery);
    });
  },

  /** Each shard has its own writer: none is *the* writer. */
  writer: () => Promise.resolve(null),

  /**
   * Every node that answers is read. Each slot's owner is the master the
   * nodes' views give it to at the highest configEpoch; an owner is in
   * service with the writes of its own slots, and is judged for them alone.
   * Every other node (replicas, a deposed master) is listed apart.
   */
  async finalRead(ctx): Promise<ServiceFinalState> {
    const { read, unreadable } = await readAll(ctx);
    const owners = clusterSlotOwners(read.map((r) => r.view));
    const uncovered = owners.filter((o) => o.id === null);
    const owning = new Set(owners.flatMap((o) => (o.id === null ? [] : [o.id])));
    const strip = (r: NodeRead, ids: string[]): NodeState => ({ node: r.container.node, idc: r.container.idc, role: owning.has(r.content.id) ? 'master' : r.content.role, ids });
    const ownIds = (r: NodeRead): string[] => r.content.ids.filter((id) => ownerOf(owners, slotOf(`${WRITE_KEY_PREFIX}${id}`))?.id === r.content.id);
    const inService = read.filter((r) => owning.has(r.content.id));
    const state: ServiceFinalState = {
      service: ctx.group.name,
      authority: 'sharded',
      authoritativeNode: inService[0]?.container.node ?? null,
      nodes: inService.map((r) => strip(r, ownIds(r))),
      outOfService: read.filter((r) => !owning.has(r.content.id)).map((r) => strip(r, r.content.ids)),
      unreadable,
    };
    const unread = [...owning].filter((id) => !read.some((r) => r.content.id === id));
    if (read.length === 0) state.noAuthority = 'no node of the cluster could be read';
    else if (uncovered.length > 0) state.noAuthority = `no master owns slots ${describeRanges(uncovered)} in any node's view`;
    else if (unread.length > 0) state.noAuthority = `the masters owning some slots could not be read (node ids ${unread.join(', ')})`;
    if (state.noAuthority !== undefined) state.authoritativeNode = null;
    return state;
  },

  /** Replicas get a bounded chance to link up with their masters before the final read. */
  async catchUp(ctx, timeoutMs) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline && (await redisClusterEngine.convergencePending(ctx)).length > 0) await new Promise((resolve) => setTimeout(resolve, 250));
  },

  /** One system again: every node that answers sees the cluster ok, suspects nobody, agrees on every slot's owner, and every replica's link is up. */
  async convergencePending(ctx) {
    const { read } = await readAll(ctx);
    if (read.length === 0) return [`no node of ${ctx.group.name} answers`];
    const pending: string[] = [];
    for (const r of read) {
      if (r.view.state !== 'ok') pending.push(`${r.container.node} says the cluster is down`);
      const suspected = r.view.nodes.filter((n) => n.pfail || n.fail).map((n) => n.name ?? n.ip);
      if (suspected.length > 0) pending.push(`${r.container.node} suspects ${suspected.join(', ')}`);
      if (r.content.role === 'replica' && !r.content.linkUp) pending.push(`${r.container.node}'s link to its master is down`);
    }
    const split = clusterSlotOwners(read.map((r) => r.view)).filter((o) => o.agreeing < o.views);
    if (split.length > 0) pending.push(`the nodes disagree on the owners of slots ${describeRanges(split)}`);
    return pending;
  },

  async milestones(ctx, sinceMs, logs) {
    const texts = await Promise.all(ctx.nodes.map(async (c) => ({ node: c.node, events: parseClusterLog(await logs(c.name).catch(() => '')) })));
    const { read } = await readAll(ctx);
    // Every node any view knows, by its address: a master still down at the end is named too.
    const byIp = namesByIp(ctx);
    const names = new Map(read.flatMap((r) => r.view.nodes.flatMap((n) => (byIp.has(n.ip) ? [[n.id, byIp.get(n.ip)!] as const] : []))));
    // A replica replaces its planned master, or the master it was given after an earlier failover.
    const planned = new Map(replicaPairs(ctx.group.nodes).map((p) => [p.replica.name, p.master.name]));
    return clusterMilestones(texts, sinceMs, (id) => names.get(id), (node) => planned.get(node));
  },

  lag: () => [],

  backups: () => [],

  async nodeRow(ctx, c): Promise<NodeRow> {
    const view = await clusterView(c.ip, ctx.secrets.redisPassword, namesByIp(ctx));
    const me = view.myself;
    const slots = me.slots.reduce((n, [a, b]) => n + b - a + 1, 0);
    const master = view.nodes.find((n) => n.id === me.masterId);
    const replication = me.role === 'master' ? `${slots} slots; cluster ${view.state}` : `replica of ${master?.name ?? master?.ip ?? 'an unknown master'}; cluster ${view.state}`;
    return { role: me.role, replication, lagSeconds: null };
  },

  async replication(ctx) {
    throw new Error(`replication-stop acts on MySQL replicas; ${ctx.group.name} is a Redis Cluster group`);
  },
};
