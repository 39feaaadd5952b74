// A MySQL group hadrill did not build (an attached scenario): its replication
// and machinery are the user's and stay untouched. hadrill adds only its own
// database and workload user on the writer (replicated as any write is), and
// drops both again at `down`.
import { HadrillError } from '../../../core/errors.js';
import { initialWriter } from '../../../core/scenario/scenario.js';
import { waitFor } from '../../../core/wait.js';
import type { ContainerPlan, Secrets } from '../../../core/plan/topology-plan.js';
import type { GroupContext } from '../../host/group-engine.js';
import { asMysqlGroup } from '../model.js';
import { bootstrapWorkload, dropWorkload, hasWritesTable, nodeStatus, withMysql } from './control.js';

const READY_TIMEOUT_MS = 60_000;

/** The nodes that take writes now (read_only off), and why the others could not be asked. */
async function writableNodes(ctx: GroupContext): Promise<{ writable: ContainerPlan[]; unreachable: string[] }> {
  const flavor = asMysqlGroup(ctx.group).flavor;
  const writable: ContainerPlan[] = [];
  const unreachable: string[] = [];
  for (const c of ctx.nodes) {
    try {
      if (!(await withMysql(c.ip, ctx.secrets, (conn) => nodeStatus(conn, flavor))).readOnly) writable.push(c);
    } catch (error) {
      unreachable.push(`${c.node} (${c.name} at ${c.ip}): ${(error as Error).message}`);
    }
  }
  return { writable, unreachable };
}

/**
 * The server id of each node: a client writing through the user's own proxy
 * asks its connection for @@server_id to say which node the proxy reached.
 */
export async function readServerIds(nodes: readonly { node: string; ip: string }[], secrets: Secrets): Promise<Record<string, number>> {
  const ids: Record<string, number> = {};
  for (const n of nodes) {
    ids[n.node] = await withMysql(n.ip, secrets, async (c) => {
      const [rows] = await c.query('SELECT @@server_id AS id');
      return Number((rows as { id: number }[])[0]?.id);
    }).catch((error: unknown) => {
      throw new HadrillError('setup', `${n.node} (${n.ip}): hadrill cannot read its server id: ${(error as Error).message}`, { hint: 'Check the credentials the scenario names and that the node runs.' });
    });
  }
  return ids;
}

export async function prepareAttachedMysql(ctx: GroupContext): Promise<void> {
  const g = ctx.group;
  const { writable, unreachable } = await writableNodes(ctx);
  if (unreachable.length > 0) {
    throw new HadrillError('setup', `${g.name}: hadrill cannot read every node as ${ctx.secrets.mysqlAdminUser ?? 'root'}:\n  ${unreachable.join('\n  ')}`, {
      hint: 'Check the credentials the scenario names (the environment variable or file) and that the nodes run.',
    });
  }
  const primary = initialWriter(g)?.name;
  if (writable.length !== 1 || writable[0]!.node !== primary) {
    const now = writable.length === 0 ? 'no node is writable' : `${writable.map((c) => c.node).join(', ')} ${writable.length === 1 ? 'is' : 'are'} writable`;
    throw new HadrillError('setup', `${g.name}: the scenario says ${primary} is the primary, but ${now}.`, {
      hint: 'Give role: primary to the node that takes writes (read_only off) and make the others read-only replicas.',
    });
  }
  const writer = writable[0]!;
  await withMysql(writer.ip, ctx.secrets, (c) => bootstrapWorkload(c, ctx.secrets));
  // Clients read from replicas: the workload's tables must have reached them first.
  for (const replica of ctx.nodes.filter((c) => c !== writer)) {
    await waitFor(`hadrill's tables to replicate to ${replica.node}`, () => withMysql(replica.ip, ctx.secrets, async (c) => ((await hasWritesTable(c)) ? true : undefined)), {
      timeoutMs: READY_TIMEOUT_MS,
      ...(ctx.signal ? { signal: ctx.signal } : {}),
    });
  }
}

/** Drops hadrill's database and user on whichever node takes writes now; replication carries it to the others. */
export async function releaseAttachedMysql(ctx: GroupContext): Promise<string> {
  // A node `down` just powered on again is still starting: its server gets a while to answer.
  const { writable } = await waitFor(
    'every node of the group to answer',
    async () => {
      const found = await writableNodes(ctx);
      return found.unreachable.length === 0 ? found : undefined;
    },
    { timeoutMs: READY_TIMEOUT_MS, intervalMs: 500, ...(ctx.signal ? { signal: ctx.signal } : {}) },
  ).catch(() => writableNodes(ctx));
  if (writable.length === 0) return `${ctx.group.name}: no node is writable, so hadrill's database and user are still on its nodes (drop database hadrill and user hadrill_app by hand)`;
  for (const c of writable) await withMysql(c.ip, ctx.secrets, dropWorkload);
  return `${ctx.group.name}: dropped hadrill's database and workload user on ${writable.map((c) => c.node).join(', ')}`;
}
