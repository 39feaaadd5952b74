// A Galera group on a live topology. Every node takes writes and certifies
// each commit with the others: there is no writer to name and no failover
// machinery, the cluster's own quorum decides who serves. The first node
// forms the cluster on its first start, the others join it by state
// transfer; hadrill then creates the schema once and it reaches every node.
import type { NodeState, ServiceFinalState } from '../../../core/history.js';
import { OWN_IMAGE } from '../../../core/scenario/scenario.js';
import { sharedKeyName } from '../../../core/redis-keys.js';
import { phase } from '../../../core/engine-events.js';
import { waitFor } from '../../../core/wait.js';
import { convergedState } from '../../host/final-state.js';
import type { GroupContext, GroupEngine } from '../../host/group-engine.js';
import { bootstrapPrimary, hasWritesTable, readRegisters, readWriteIds, seedRegisters, withMysql } from '../../mysql/host/control.js';
import { galeraStatus, serving, type GaleraStatus } from './status.js';

const READY_TIMEOUT_MS = 120_000;
const NONE = { detectedMs: [], promotedMs: [] };

async function statusOf(ctx: GroupContext, ip: string): Promise<GaleraStatus | null> {
  return withMysql(ip, ctx.secrets, galeraStatus, 1500).catch(() => null);
}

export const galeraEngine: GroupEngine = {
  missing(group) {
    // The first node must form the cluster on its first start only, which hadrill's start script knows how to do.
    return group.image === OWN_IMAGE ? null : `group "${group.name}" is a Galera cluster on "${group.image}": hadrill forms Galera clusters on its own image only (remove "image")`;
  },

  async bootstrap(ctx) {
    const { secrets, signal, emit, nodes, group } = ctx;
    await phase(emit, `${group.name}-cluster`, `${group.name}: ${nodes[0]!.node} forms the Galera cluster, ${nodes.length - 1} nodes join it`, async () => {
      await waitFor(`every node of ${group.name} to be a synced member of one ${nodes.length}-node primary component`, async () => ((await galeraEngine.convergencePending(ctx)).length === 0 ? true : undefined), {
        timeoutMs: READY_TIMEOUT_MS,
        signal,
      });
      await withMysql(nodes[0]!.ip, secrets, async (c) => {
        await bootstrapPrimary(c, secrets);
        await seedRegisters(c, Array.from({ length: ctx.sharedKeys }, (_, n) => sharedKeyName(n)));
      });
      for (const c of nodes) {
        await waitFor(`the schema on ${c.node}`, () => withMysql(c.ip, secrets, async (conn) => ((await hasWritesTable(conn)) ? true : undefined)), { timeoutMs: READY_TIMEOUT_MS, signal });
      }
    });
  },

  /** Every node is a writer: none is *the* writer. */
  writer: () => Promise.resolve(null),

  /**
   * Every node that answers is read, after it has applied every commit
   * certified before the read (wsrep_sync_wait); the synced members of the
   * primary component are in service and together hold the final state.
   */
  async finalRead(ctx): Promise<ServiceFinalState> {
    const read: (NodeState & { inService: boolean })[] = [];
    const unreadable: ServiceFinalState['unreadable'] = [];
    for (const c of ctx.nodes) {
      try {
        const row = await withMysql(
          c.ip,
          ctx.secrets,
          async (conn) => {
            const status = await galeraStatus(conn);
            // A node outside the primary component refuses reads (1047): its status says why, the rows cannot.
            if (!serving(status)) return { status, ids: [], registers: {} };
            await conn.query('SET SESSION wsrep_sync_wait = 1');
            return { status, ids: await readWriteIds(conn), registers: await readRegisters(conn) };
          },
          3000,
        );
        read.push({ node: c.node, idc: c.idc, role: `${row.status.clusterStatus}, ${row.status.localState}`, ids: row.ids, registers: row.registers, inService: serving(row.status) });
      } catch (error) {
        unreadable.push({ node: c.node, reason: (error as Error).message });
      }
    }
    return convergedState(ctx.group.name, read, (n) => n.inService, unreadable, read.length === 0 ? 'no node of the cluster could be read' : 'no node is a synced member of a primary component');
  },

  /** Certification is synchronous; the final read's wsrep_sync_wait covers what is left to apply. */
  catchUp: () => Promise.resolve(),

  /** One primary component holding every node, each synced. */
  async convergencePending(ctx) {
    const want = ctx.nodes.length;
    const pending = await Promise.all(
      ctx.nodes.map(async (c) => {
        const s = await statusOf(ctx, c.ip);
        if (s === null) return `${c.node} does not answer`;
        if (s.clusterStatus !== 'Primary') return `${c.node} is outside the primary component (${s.clusterStatus})`;
        if (s.clusterSize !== want) return `${c.node}'s primary component has ${s.clusterSize} of ${want} nodes`;
        if (s.localState !== 'Synced') return `${c.node} is ${s.localState}, not yet synced`;
        return null;
      }),
    );
    return pending.filter((p): p is string => p !== null);
  },

  /** No machinery: the cluster evicts and rejoins by itself, and logs no promotion. */
  milestones: () => Promise.resolve(NONE),
  lag: () => [],
  backups: () => [],

  async nodeRow(ctx, c) {
    const s = await withMysql(c.ip, ctx.secrets, galeraStatus, 1500);
    return { role: 'member', replication: `${s.clusterStatus} component of ${s.clusterSize}, ${s.localState}, ${s.certFailures} certification failures`, lagSeconds: null };
  },

  replication() {
    return Promise.reject(new Error('a Galera node has no replication link to stop: isolate its IDC or cut its links instead'));
  },
};
