// A MySQL replication group on a live topology: bootstrap (schema, replicas,
// semi-sync, then the manager or the cold backup's machinery), its writer,
// its final read, catch-up, convergence, and what its machinery logged.
import type { FailoverMilestones } from '../../../core/check/rto-split.js';
import type { NodeState, ServiceFinalState } from '../../../core/history.js';
import { lagSeries, managerMilestones, type LagSeries } from '../../../core/manager-log.js';
import { semiSyncSourceSql, waitForGtidSql } from '../sql/replication-sql.js';
import type { BackupEvent } from '../../../core/plan/runtime-configs.js';
import { PORTS, type ContainerPlan } from '../../../core/plan/topology-plan.js';
import { fetchWithin } from '../../../fetch-within.js';
import { initialWriter } from '../../../core/scenario/scenario.js';
import { asMysqlGroup, type MysqlGroup } from '../model.js';
import { phase } from '../../../core/engine-events.js';
import { waitFor } from '../../../core/wait.js';
import { announcement, serviceState } from '../../host/final-state.js';
import type { GroupContext, GroupEngine, NodeRow } from '../../host/group-engine.js';
import { announcerOf, backupEvents, machineryEvents, proxyEvents } from '../../host/machinery-events.js';
import { bidirectional } from './bidirectional.js';
import { prepareAttachedMysql, releaseAttachedMysql } from './attached.js';
import { bootstrapPrimary, configureReplica, hasWritesTable, nodeStatus, readFinalNode, startReplication, stopReplication, withMysql } from './control.js';

const READY_TIMEOUT_MS = 90_000;

const group = (ctx: GroupContext): MysqlGroup => asMysqlGroup(ctx.group);
const multiActive = (ctx: GroupContext): boolean => group(ctx).replication === 'bidirectional';
const roleOf = (ctx: GroupContext, node: string): string | undefined => ctx.group.nodes.find((n) => n.name === node)?.role;
/** The manager, MHA, or a cold backup's restore manager: whoever announces the writer. */
const announcer = (ctx: GroupContext): ContainerPlan | undefined => announcerOf(ctx);

export const mysqlEngine: GroupEngine = {
  missing(): string | null {
    return null;
  },

  prepareAttached: prepareAttachedMysql,
  releaseAttached: releaseAttachedMysql,

  async bootstrap(ctx, startMachinery) {
    const g = group(ctx);
    if (multiActive(ctx)) return bidirectional.bootstrap(ctx);
    const { secrets, signal, emit } = ctx;
    // A standby holds no data until a backup is restored onto it: its server is not running yet.
    const serving = ctx.nodes.filter((c) => roleOf(ctx, c.node) !== 'standby');
    const primary = serving.find((c) => c.node === initialWriter(g)?.name) as ContainerPlan;
    const replicas = serving.filter((c) => c !== primary);
    await phase(emit, `${g.name}-replication`, `${g.name}: setting up ${g.replication} GTID replication ${primary.node} -> ${replicas.map((r) => r.node).join(', ') || '(no replica)'}`, async () => {
      await Promise.all(serving.map((c) => waitFor(`MySQL on ${c.node}`, () => withMysql(c.ip, secrets, async () => true), { timeoutMs: READY_TIMEOUT_MS, signal })));
      await withMysql(primary.ip, secrets, (c) => bootstrapPrimary(c, secrets));
      for (const replica of replicas) {
        await withMysql(replica.ip, secrets, async (c) => {
          if (!(await nodeStatus(c, g.flavor)).replica) await configureReplica(c, g.flavor, primary.ip, secrets);
        });
      }
      for (const replica of replicas) {
        await waitFor(`replication to ${replica.node}`, () => withMysql(replica.ip, secrets, async (c) => ((await nodeStatus(c, g.flavor)).replica?.ioRunning && (await hasWritesTable(c)) ? true : undefined)), {
          timeoutMs: READY_TIMEOUT_MS,
          signal,
        });
      }
      if (g.replication === 'semi-sync' && replicas.length > 0) {
        await withMysql(primary.ip, secrets, (c) => c.query(semiSyncSourceSql(g.flavor, true)));
        await waitFor(`a semi-sync replica to connect to ${primary.node}`, () => withMysql(primary.ip, secrets, async (c) => ((await nodeStatus(c, g.flavor)).semiSyncClients ?? 0) > 0 || undefined), {
          timeoutMs: READY_TIMEOUT_MS,
          signal,
        });
      }
    });
    if (announcer(ctx) === undefined && g.failover.kind === 'none') {
      // Nobody else will open it: a group without failover machinery has its writer open from the start.
      await withMysql(primary.ip, secrets, (c) => c.query('SET GLOBAL read_only = 0'));
      if (ctx.machinery.length > 0) await startMachinery(ctx.machinery);
      return;
    }
    const where = announcer(ctx)?.idc ?? ctx.machinery[0]?.idc ?? '';
    const what = g.failover.kind === 'restore' ? 'cold backup and restore manager' : g.failover.kind === 'mha' ? 'MHA manager' : 'failover manager';
    await phase(emit, `${g.name}-machinery`, `${g.name}: starting its ${what} in ${where}`, async () => {
      await startMachinery(ctx.machinery);
      await waitFor(`${primary.node} to be opened for writes`, () => withMysql(primary.ip, secrets, async (c) => ((await nodeStatus(c, g.flavor)).readOnly ? undefined : true)), {
        timeoutMs: READY_TIMEOUT_MS,
        signal,
      });
    });
  },

  async writer(ctx) {
    // Every primary of a bidirectional group is a writer: none is *the* writer.
    if (multiActive(ctx)) return null;
    const announced = await announcement(announcer(ctx), ctx.secrets.managerToken);
    if (announced) return { name: announced.name, host: announced.host, epoch: announced.epoch };
    if (announcer(ctx)) return null;
    const fixed = ctx.nodes.find((c) => c.node === initialWriter(ctx.group)?.name);
    return fixed ? { name: fixed.node, host: fixed.ip, epoch: null } : null;
  },

  async finalRead(ctx): Promise<ServiceFinalState> {
    const g = group(ctx);
    if (multiActive(ctx)) return bidirectional.finalRead(ctx);
    const read: (NodeState & { ip: string; source: string | null })[] = [];
    const unreadable: ServiceFinalState['unreadable'] = [];
    for (const c of ctx.nodes) {
      try {
        const { ids, registers, status } = await readFinalNode(c.ip, ctx.secrets, g.flavor);
        const source = status.replica?.ioRunning || status.replica?.sqlRunning ? status.replica.source : null;
        read.push({ node: c.node, idc: c.idc, ip: c.ip, source, role: status.readOnly ? (source ? 'replica' : 'read-only') : 'writable', ids, registers });
      } catch (error) {
        unreadable.push({ node: c.node, reason: (error as Error).message });
      }
    }
    const machinery = announcer(ctx);
    const announced = await announcement(machinery, ctx.secrets.managerToken);
    const writable = read.filter((n) => n.role === 'writable');
    // The machinery's word decides; without machinery, the one writable node (if exactly one).
    const primary = read.find((n) => n.node === announced?.name) ?? (writable.length === 1 ? writable[0] : undefined);
    if (primary) primary.role = 'primary';
    const result = serviceState(g.name, read, primary, (n) => primary !== undefined && n.source === primary.ip, unreadable);
    if (!primary) {
      const who = g.failover.kind === 'restore' ? 'the restore manager' : g.failover.kind === 'mha' ? "MHA's announcement" : 'the failover manager';
      const word = machinery === undefined ? 'the group has no failover machinery' : announced === null ? `${who} could not be reached` : `${who} names ${announced.name}, which could not be read`;
      result.noAuthority = `${word}, and ${writable.length === 0 ? 'no node is writable' : `${writable.length} nodes are writable (${writable.map((n) => n.node).join(', ')})`}`;
    }
    return result;
  },

  async catchUp(ctx, timeoutMs) {
    const g = group(ctx);
    if (multiActive(ctx)) return bidirectional.catchUp(ctx, timeoutMs);
    const writer = await mysqlEngine.writer(ctx);
    const primary = ctx.nodes.find((c) => c.node === writer?.name);
    if (!primary) return;
    const gtid = await withMysql(primary.ip, ctx.secrets, async (c) => (await nodeStatus(c, g.flavor)).executedGtid).catch(() => null);
    if (!gtid) return;
    await Promise.all(
      ctx.nodes
        .filter((c) => c !== primary)
        .map((c) =>
          withMysql(
            c.ip,
            ctx.secrets,
            async (conn) => {
              const status = await nodeStatus(conn, g.flavor);
              if (status.replica?.ioRunning) await conn.query(waitForGtidSql(g.flavor), [gtid, Math.ceil(timeoutMs / 1000)]);
            },
            2000,
            timeoutMs + 2000,
          ).catch(() => undefined),
        ),
    );
  },

  /** No node but the announced primary takes writes (bidirectional: every link of the ring runs). */
  async convergencePending(ctx) {
    const g = group(ctx);
    if (multiActive(ctx)) return bidirectional.convergencePending(ctx);
    const primary = (await mysqlEngine.writer(ctx))?.name;
    const pending: string[] = [];
    for (const c of ctx.nodes) {
      if (c.node === primary) continue;
      const status = await withMysql(c.ip, ctx.secrets, (conn) => nodeStatus(conn, g.flavor), 1500).catch(() => null);
      if (status !== null && !status.readOnly) pending.push(`${c.node} is writable beside the announced primary ${primary ?? '(none)'}`);
    }
    return pending;
  },

  async milestones(ctx, sinceMs): Promise<FailoverMilestones> {
    const milestones = managerMilestones(machineryEvents(ctx), sinceMs);
    // A user's own proxy (an attached run) keeps no log hadrill reads.
    if (!ctx.machinery.some((c) => c.kind === 'proxy' && !c.foreign)) return milestones;
    const routedMs = proxyEvents(ctx).flatMap((e) => (e.t === 'proxy-marked' && e.state === 'up' && e.at >= sinceMs ? [e.at] : []));
    return { ...milestones, routedMs: routedMs.sort((a, b) => a - b) };
  },

  lag(ctx, fromMs, toMs): LagSeries[] {
    return lagSeries(machineryEvents(ctx), fromMs, toMs, ctx.group.name);
  },

  backups(ctx): BackupEvent[] {
    return backupEvents(ctx);
  },

  async nodeRow(ctx, c): Promise<NodeRow> {
    const s = await withMysql(c.ip, ctx.secrets, (conn) => nodeStatus(conn, group(ctx).flavor), 1500);
    return {
      role: s.readOnly ? (s.replica ? 'replica' : 'read-only') : 'primary',
      replication: s.replica ? `io ${s.replica.ioRunning ? 'on' : 'off'}, sql ${s.replica.sqlRunning ? 'on' : 'off'} from ${s.replica.source}` : '-',
      lagSeconds: s.replica?.lagSeconds ?? null,
    };
  },

  /** Asks hadrill's manager to move the writer (POST /switchover), and returns once it has. */
  async switchover(ctx, to) {
    const manager = announcer(ctx);
    if (!manager || ctx.group.failover.kind !== 'manager') throw new Error(`group ${ctx.group.name} has no hadrill manager to move its writer`);
    const url = `http://${manager.ip}:${PORTS.manager}/switchover${to === null ? '' : `?to=${encodeURIComponent(to)}`}`;
    const answer = await fetchWithin(url, { method: 'POST', headers: { authorization: `Bearer ${ctx.secrets.managerToken}` } }, 60_000, async (r) => (await r.json()) as { ok: boolean; error?: string; primary?: string });
    if (!answer.ok) throw new Error(`the manager of ${ctx.group.name} did not move its writer: ${answer.error ?? 'no reason given'}`);
  },

  async replication(ctx, c, action) {
    const flavor = group(ctx).flavor;
    if (action === 'stop') {
      await withMysql(c.ip, ctx.secrets, (conn) => stopReplication(conn, flavor));
      return;
    }
    // After a failover the node may be the primary, with no replication left to restart: nothing to heal then.
    await withMysql(c.ip, ctx.secrets, (conn) => startReplication(conn, flavor)).catch((error: unknown) => {
      if (!/not configured|no master|no replica|MASTER_HOST was not set|ER_BAD_SLAVE|ER_REPLICA_CONFIGURATION|ER_SLAVE_CONFIGURATION/i.test(String((error as Error).message) + String((error as { code?: string }).code))) throw error;
    });
  },
};
