// Bidirectional (multi-active) MySQL: every node is a primary that takes its
// own clients' writes and replicates, asynchronously, from every other (a
// full mesh on MariaDB; a ring on MySQL; with two nodes, each from the other). Nothing waits across the
// WAN on commit; nothing decides between two writes to one key either: each
// node applies the other's rows as they arrive, so the last to arrive wins on
// each node, and the nodes can end with different values.
import type { NodeState, ServiceFinalState } from '../../../core/history.js';
import { domainPosition } from '../sql/gtid.js';
import { sharedKeyName } from '../../../core/redis-keys.js';
import { allReplicaStatusSql, waitForGtidSql, type Flavor } from '../sql/replication-sql.js';
import type { ContainerPlan } from '../../../core/plan/topology-plan.js';
import { asMysqlGroup, type MysqlGroup } from '../model.js';
import { phase } from '../../../core/engine-events.js';
import { waitFor } from '../../../core/wait.js';
import { convergedState } from '../../host/final-state.js';
import type { GroupContext } from '../../host/group-engine.js';
import { bootstrapPrimary, configureReplica, seedRegisters, hasWritesTable, nodeStatus, readFinalNode, withMysql } from './control.js';

const READY_TIMEOUT_MS = 90_000;

const group = (ctx: GroupContext): MysqlGroup => asMysqlGroup(ctx.group);

/**
 * Two primaries replicate from each other. More than two form a full mesh on
 * MariaDB (every node a named source of every other, duplicates that arrive
 * by two paths ignored), so losing one node cuts no other pair apart; on MySQL
 * they form a ring, each replicating from the node before it.
 */
function meshed(ctx: GroupContext): boolean {
  return group(ctx).flavor === 'mariadb' && ctx.nodes.length > 2;
}

/** The nodes a node replicates from, and the name of each connection. */
function sourcesOf(ctx: GroupContext, i: number): { source: ContainerPlan; connection: string }[] {
  const nodes = ctx.nodes;
  if (!meshed(ctx)) return [{ source: nodes[(i - 1 + nodes.length) % nodes.length]!, connection: '' }];
  return nodes.filter((_, j) => j !== i).map((source) => ({ source, connection: `from_${source.node}` }));
}

/** A node's GTID domain (MariaDB): its server id, as the planner sets it. */
function domainOf(ctx: GroupContext, node: string): number {
  return ctx.group.nodes.findIndex((n) => n.name === node) + 1;
}

interface Link {
  source: string;
  io: boolean;
  sql: boolean;
  error: string;
}

/** Every replication connection of a node, both threads and their errors (the SQL thread's error matters here), and whether it takes writes. */
async function nodeLinks(ip: string, ctx: GroupContext): Promise<{ writable: boolean; links: Link[] }> {
  const flavor = group(ctx).flavor;
  return withMysql(
    ip,
    ctx.secrets,
    async (c) => {
      const [[ro]] = (await c.query('SELECT @@GLOBAL.read_only AS ro')) as unknown as [[{ ro: number }]];
      const [rows] = await c.query(allReplicaStatusSql(flavor));
      const links = (rows as Record<string, unknown>[]).map((row) => {
        const pick = (...names: string[]): unknown => names.map((n) => row[n]).find((v) => v !== undefined);
        return {
          source: String(pick('Master_Host', 'Source_Host') ?? ''),
          io: pick('Slave_IO_Running', 'Replica_IO_Running') === 'Yes',
          sql: pick('Slave_SQL_Running', 'Replica_SQL_Running') === 'Yes',
          error: [pick('Last_SQL_Error'), pick('Last_IO_Error')].filter((e) => typeof e === 'string' && e !== '').join('; '),
        };
      });
      return { writable: Number(ro.ro) === 0, links };
    },
    1500,
  );
}

export const bidirectional = {
  /** The schema on the first node, carried to every other from it, then every other source added and every node opened. */
  async bootstrap(ctx: GroupContext): Promise<void> {
    const g = group(ctx);
    const { secrets, signal, emit, nodes } = ctx;
    const shape = nodes.map((c, i) => `${sourcesOf(ctx, i).map((s) => s.source.node).join('+')} -> ${c.node}`).join(', ');
    await phase(emit, `${g.name}-replication`, `${g.name}: setting up bidirectional GTID replication ${shape}${meshed(ctx) ? ' (full mesh)' : ''}`, async () => {
      await Promise.all(nodes.map((c) => waitFor(`MySQL on ${c.node}`, () => withMysql(c.ip, secrets, async () => true), { timeoutMs: READY_TIMEOUT_MS, signal })));
      await withMysql(nodes[0]!.ip, secrets, async (c) => {
        await bootstrapPrimary(c, secrets);
        await seedRegisters(c, Array.from({ length: ctx.sharedKeys }, (_, n) => sharedKeyName(n)));
      });
      // Each node but the first gets the schema by its first source (the node before it, or the first node); only then does the first follow anyone.
      for (let i = 1; i < nodes.length; i++) {
        const first = sourcesOf(ctx, i)[0]!;
        await withMysql(nodes[i]!.ip, secrets, (c) => configureReplica(c, g.flavor, first.source.ip, secrets, first.connection));
        await waitFor(`the schema to reach ${nodes[i]!.node}`, () => withMysql(nodes[i]!.ip, secrets, async (c) => ((await hasWritesTable(c)) ? true : undefined)), {
          timeoutMs: READY_TIMEOUT_MS,
          signal,
        });
      }
      for (let i = 0; i < nodes.length; i++) {
        const rest = sourcesOf(ctx, i).slice(i === 0 ? 0 : 1);
        await withMysql(nodes[i]!.ip, secrets, async (c) => {
          for (const { source, connection } of rest) await configureReplica(c, g.flavor, source.ip, secrets, connection);
        });
      }
      await waitFor(`every replication link to run`, async () => ((await bidirectional.convergencePending(ctx)).length === 0 ? true : undefined), { timeoutMs: READY_TIMEOUT_MS, signal });
    });
  },

  /**
   * Every node that answers is read; the writable ones are in service, and
   * together they hold the final state (a write is lost only when none of
   * them has it; what some have and others lack is divergence). The one with
   * the most writes is named, for the report.
   */
  async finalRead(ctx: GroupContext): Promise<ServiceFinalState> {
    const g = group(ctx);
    const read: (NodeState & { writable: boolean })[] = [];
    const unreadable: ServiceFinalState['unreadable'] = [];
    for (const c of ctx.nodes) {
      try {
        const { ids, registers, status } = await readFinalNode(c.ip, ctx.secrets, g.flavor);
        read.push({ node: c.node, idc: c.idc, role: status.readOnly ? 'read-only' : 'primary', ids, registers, writable: !status.readOnly });
      } catch (error) {
        unreadable.push({ node: c.node, reason: (error as Error).message });
      }
    }
    return convergedState(g.name, read, (n) => n.writable, unreadable, read.length === 0 ? 'no primary of the group could be read' : 'no primary of the group is writable');
  },

  /** Each node gets a bounded chance to apply every other primary's own writes. */
  async catchUp(ctx: GroupContext, timeoutMs: number): Promise<void> {
    const flavor: Flavor = group(ctx).flavor;
    const positions = new Map<string, string>();
    await Promise.all(
      ctx.nodes.map(async (c) => {
        const gtid = await withMysql(c.ip, ctx.secrets, async (conn) => (await nodeStatus(conn, flavor)).executedGtid).catch(() => null);
        // A MariaDB node waits for another's own domain only: it never applies its own writes from anyone.
        const wanted = flavor === 'mysql' ? gtid : domainPosition(gtid, domainOf(ctx, c.node));
        if (wanted) positions.set(c.node, wanted);
      }),
    );
    const seconds = Math.ceil(timeoutMs / 1000);
    await Promise.all(
      ctx.nodes.map((c) =>
        withMysql(
          c.ip,
          ctx.secrets,
          async (conn) => {
            for (const [node, gtid] of positions) if (node !== c.node) await conn.query(waitForGtidSql(flavor), [gtid, seconds]);
          },
          2000,
          timeoutMs * ctx.nodes.length + 2000,
        ).catch(() => undefined),
      ),
    );
  },

  /**
   * Converged: every node answers, and runs both threads of its link from
   * every writable source. A node fenced read-only (a zone the data access
   * layer moved away from, back with writes nobody else has) is no source:
   * the others were cut off from it on purpose.
   */
  async convergencePending(ctx: GroupContext): Promise<string[]> {
    const pending: string[] = [];
    const states = await Promise.all(ctx.nodes.map((c) => nodeLinks(c.ip, ctx).catch(() => undefined)));
    ctx.nodes.forEach((c, i) => {
      const state = states[i];
      if (state === undefined) return void pending.push(`${c.node} does not answer`);
      for (const { source } of sourcesOf(ctx, i)) {
        if (states[ctx.nodes.indexOf(source)]?.writable === false) continue;
        const link = state.links.find((l) => l.source === source.ip);
        if (!link) pending.push(`${c.node} does not replicate from ${source.node}`);
        else if (!link.io || !link.sql) pending.push(`${c.node}'s replication from ${source.node} is stopped${link.error ? `: ${link.error}` : ''}`);
      }
    });
    return pending.sort();
  },
};
