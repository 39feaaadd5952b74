// A Redis group on a live topology: replicas synced and Sentinels agreed (or
// a cold backup's machinery started), its master, its final read, catch-up,
// convergence, and what Sentinel or the restore manager logged.
import type { NodeState, ServiceFinalState } from '../../../core/history.js';
import { managerMilestones } from '../../../core/manager-log.js';
import type { BackupEvent } from '../../../core/plan/runtime-configs.js';
import type { ContainerPlan } from '../../../core/plan/topology-plan.js';
import { initialWriter } from '../../../core/scenario/scenario.js';
import { parseSentinelLog, sentinelMilestones } from '../../../core/sentinel-log.js';
import { phase } from '../../../core/engine-events.js';
import { waitFor } from '../../../core/wait.js';
import { announcement, serviceState } from '../../host/final-state.js';
import type { GroupContext, GroupEngine, NodeRow } from '../../host/group-engine.js';
import { backupEvents, machineryEvents } from '../../host/machinery-events.js';
import { checkAttachedRedis, releaseAttachedRedis } from './attached.js';
import { readRedisContent, redisRole, sentinelFailover, sentinelView, type RedisRole } from './control.js';

const READY_TIMEOUT_MS = 90_000;

const sentinelsOf = (ctx: GroupContext): ContainerPlan[] => ctx.machinery.filter((c) => c.kind === 'sentinel');
/** The name the group's Sentinels watch its master under. */
const masterNameOf = (ctx: GroupContext): string => (ctx.group.failover.kind === 'sentinel' ? ctx.group.failover.masterName : '');
const restoreOf = (ctx: GroupContext): ContainerPlan | undefined => ctx.machinery.find((c) => c.kind === 'restore');
const roleOf = (ctx: GroupContext, node: string): string | undefined => ctx.group.nodes.find((n) => n.name === node)?.role;

export const redisEngine: GroupEngine = {
  missing(): string | null {
    return null;
  },

  async prepareAttached(ctx) {
    await checkAttachedRedis(ctx);
    // The user's replicas and Sentinels are waited for as hadrill's own are; there is no machinery of hadrill's to start.
    await redisEngine.bootstrap(ctx, async () => undefined);
  },
  releaseAttached: releaseAttachedRedis,

  async bootstrap(ctx, startMachinery) {
    const { secrets, signal, emit, group: g } = ctx;
    const master = ctx.nodes.find((c) => c.node === initialWriter(g)?.name) as ContainerPlan;
    const replicas = ctx.nodes.filter((c) => c !== master && roleOf(ctx, c.node) !== 'standby');
    const sentinels = sentinelsOf(ctx);
    const what = sentinels.length > 0 ? ` and ${sentinels.length} Sentinels to agree on ${master.node}` : g.failover.kind === 'restore' ? ' and its cold backup machinery' : '';
    await phase(emit, `${g.name}-replication`, `${g.name}: waiting for Redis replication${what}`, async () => {
      await waitFor(`Redis on ${master.node}`, async () => ((await redisRole(master.ip, secrets)).role === 'master' ? true : undefined), { timeoutMs: READY_TIMEOUT_MS, signal });
      for (const node of replicas) {
        await waitFor(`Redis replica ${node.node} to sync`, async () => ((await redisRole(node.ip, secrets)).linkUp ? true : undefined), { timeoutMs: READY_TIMEOUT_MS, signal });
      }
      await startMachinery(ctx.machinery);
      for (const s of sentinels) {
        await waitFor(
          `Sentinel ${s.node} to see the master and the other Sentinels`,
          async () => {
            const view = await sentinelView(s.ip, secrets, masterNameOf(ctx));
            return view.master !== null && view.otherSentinels >= sentinels.length - 1 ? true : undefined;
          },
          { timeoutMs: READY_TIMEOUT_MS, signal },
        );
      }
      const restore = restoreOf(ctx);
      if (restore) await waitFor(`the restore manager ${restore.node} to announce ${master.node}`, async () => ((await announcement(restore, secrets.managerToken)) ? true : undefined), { timeoutMs: READY_TIMEOUT_MS, signal });
    });
  },

  async writer(ctx) {
    const sentinels = sentinelsOf(ctx);
    if (sentinels.length > 0) {
      const ip = await sentinelsMaster(ctx);
      const node = ctx.nodes.find((c) => c.ip === ip);
      return ip === null ? null : { name: node?.node ?? ip, host: ip, epoch: null };
    }
    const restore = restoreOf(ctx);
    if (restore) {
      const announced = await announcement(restore, ctx.secrets.managerToken);
      return announced ? { name: announced.name, host: announced.host, epoch: announced.epoch } : null;
    }
    const fixed = ctx.nodes.find((c) => c.node === initialWriter(ctx.group)?.name);
    return fixed ? { name: fixed.node, host: fixed.ip, epoch: null } : null;
  },

  async finalRead(ctx): Promise<ServiceFinalState> {
    const read: (NodeState & { ip: string; masterHost: string | null; linkUp: boolean })[] = [];
    const unreadable: ServiceFinalState['unreadable'] = [];
    const named = await redisEngine.writer(ctx);
    for (const c of ctx.nodes) {
      try {
        const role = await redisRole(c.ip, ctx.secrets);
        const { ids, registers } = await readRedisContent(c.ip, ctx.secrets);
        read.push({ node: c.node, idc: c.idc, ip: c.ip, role: role.role, ids, registers, masterHost: role.masterHost, linkUp: role.linkUp === true });
      } catch (error) {
        unreadable.push({ node: c.node, reason: (error as Error).message });
      }
    }
    // The machinery's word decides; without it, the one node that says it is master (if exactly one).
    const masters = read.filter((n) => n.role === 'master');
    const master = read.find((n) => n.ip === named?.host && n.role === 'master') ?? (masters.length === 1 ? masters[0] : undefined);
    const result = serviceState(ctx.group.name, read, master, (n) => master !== undefined && n.masterHost === master.ip && n.linkUp, unreadable);
    if (!master) {
      const who = sentinelsOf(ctx).length > 0 ? 'no Sentinel could be reached' : restoreOf(ctx) ? 'the restore manager could not be reached' : 'the group has no failover machinery';
      const word = named === null ? who : read.some((n) => n.ip === named.host) ? `the machinery names ${named.name}, which is not a master` : `the machinery names ${named.name}, which could not be read`;
      result.noAuthority = `${word}, and ${masters.length === 0 ? 'no node is a master' : `${masters.length} nodes are masters (${masters.map((n) => n.node).join(', ')})`}`;
    }
    return result;
  },

  /** Replicas (including a former master the Sentinels are turning into a replica) get a bounded chance to link up and reach the master's offset. */
  async catchUp(ctx, timeoutMs) {
    if (sentinelsOf(ctx).length === 0) return;
    const masterIp = (await redisEngine.writer(ctx))?.host;
    if (!masterIp) return;
    const deadline = Date.now() + timeoutMs;
    const others = ctx.nodes.filter((c) => c.ip !== masterIp);
    while (Date.now() < deadline) {
      const master = await redisRole(masterIp, ctx.secrets).catch(() => null);
      if (!master) return;
      const roles = await Promise.all(others.map((c) => redisRole(c.ip, ctx.secrets).catch(() => null)));
      const synced = roles.every((r) => r === null || (r.role === 'replica' && r.masterHost === masterIp && r.linkUp && r.offset >= master.offset));
      if (synced) return;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  },

  /** With Sentinels: every Redis node that answers is a linked replica of the master they name. */
  async convergencePending(ctx) {
    if (sentinelsOf(ctx).length === 0) return [];
    const masterIp = (await redisEngine.writer(ctx))?.host ?? null;
    if (masterIp === null) return [`no Sentinel of ${ctx.group.name} names a master`];
    const pending: string[] = [];
    for (const c of ctx.nodes) {
      if (c.ip === masterIp) continue;
      const role: RedisRole | null = await redisRole(c.ip, ctx.secrets).catch(() => null);
      if (role === null) continue;
      if (role.role !== 'replica' || role.masterHost !== masterIp || !role.linkUp) pending.push(`${c.node} is ${role.role === 'master' ? 'a master' : 'not yet a linked replica'} of the Sentinels' master`);
    }
    return pending;
  },

  async milestones(ctx, sinceMs, logs) {
    const sentinels = sentinelsOf(ctx);
    if (sentinels.length === 0) return managerMilestones(machineryEvents(ctx), sinceMs);
    const texts = await Promise.all(sentinels.map((s) => logs(s.name).catch(() => '')));
    return sentinelMilestones(texts.flatMap(parseSentinelLog), sinceMs, (ip) => ctx.nodes.find((c) => c.ip === ip)?.node);
  },

  lag() {
    return [];
  },

  backups(ctx): BackupEvent[] {
    return backupEvents(ctx);
  },

  async nodeRow(ctx, c): Promise<NodeRow> {
    const r = await redisRole(c.ip, ctx.secrets);
    return { role: r.role, replication: r.role === 'replica' ? `link ${r.linkUp ? 'up' : 'down'} from ${r.masterHost}` : `${r.connectedReplicas} replicas`, lagSeconds: null };
  },

  async switchover(ctx) {
    await switchover(ctx);
  },

  async replication(ctx) {
    throw new Error(`replication-stop acts on MySQL replicas; ${ctx.group.name} is a Redis group`);
  },
};

/**
 * A planned switchover: the first Sentinel that answers starts a failover of
 * the master it knows; done once a majority of the Sentinels name another
 * master.
 */
async function switchover(ctx: GroupContext): Promise<void> {
  const before = await sentinelsMaster(ctx);
  let asked = false;
  for (const s of sentinelsOf(ctx)) {
    try {
      await sentinelFailover(s.ip, ctx.secrets, masterNameOf(ctx));
      asked = true;
      break;
    } catch {
      // this Sentinel is away or refuses (a failover already under way): ask the next
    }
  }
  if (!asked) throw new Error(`no Sentinel of ${ctx.group.name} took the switchover`);
  await waitFor(`the Sentinels of ${ctx.group.name} to name a new master`, async () => {
    const now = await sentinelsMaster(ctx);
    return now !== null && now !== before ? true : undefined;
  }, { timeoutMs: 60_000, ...(ctx.signal ? { signal: ctx.signal } : {}) });
}

/** The master most reachable Sentinels of the group name. */
async function sentinelsMaster(ctx: GroupContext): Promise<string | null> {
  const votes = new Map<string, number>();
  for (const s of sentinelsOf(ctx)) {
    try {
      const view = await sentinelView(s.ip, ctx.secrets, masterNameOf(ctx));
      if (view.master) votes.set(view.master, (votes.get(view.master) ?? 0) + 1);
    } catch {
      // a dead or frozen Sentinel has no vote
    }
  }
  return [...votes.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? null;
}
