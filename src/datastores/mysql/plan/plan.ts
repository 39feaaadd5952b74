// A MySQL group's containers: its nodes, its failover machinery (hadrill's
// reference manager, or a cold backup's restore manager), and how a client
// reaches it.
import { programConfig, secretFile } from '../../../core/plan/container-files.js';
import type { GroupPlanner, PlanContext, PlannedGroup } from '../../../core/plan/group-planner.js';
import type { AgentGroupConfig, ManagerConfig, ServerAccess, WriteTarget } from '../../../core/plan/runtime-configs.js';
import { APP_USER, DATABASE, PORTS, readHostFor, REPL_USER, type ContainerPlan } from '../../../core/plan/topology-plan.js';
import { initialWriter, OWN_IMAGE, type Group, type GroupWorkload, type WorkloadClient } from '../../../core/scenario/scenario.js';
import { asMysqlGroup, type MysqlGroup } from '../model.js';
import { machineryMount, probingMachinery } from '../../../core/plan/machinery.js';
import { planColdBackup } from '../../cold-backup/plan/plan.js';
import { MYSQL_DATA_DIR, mysqlCommand, mysqlEnv } from './commands.js';
import { programCommand } from '../../../core/plan/programs.js';
import { proxyFor } from '../../../core/plan/proxies.js';
import { planMha, sshFiles } from './mha.js';
import { planProxies } from './proxy.js';

export const mysqlPlanner: GroupPlanner = {
  plan(group: Group, ctx: PlanContext): PlannedGroup {
    const g = asMysqlGroup(group);
    const own = g.image === OWN_IMAGE;
    const serverId = (node: string): number => g.nodes.findIndex((n) => n.name === node) + 1;
    // MHA drives every node over SSH: each gets the run's key pair and runs an sshd beside the server.
    const ssh = g.failover.kind === 'mha' ? sshFiles(ctx) : { env: {}, files: [] };
    const nodes = g.nodes.map((n) =>
      ctx.add('mysql', n.name, n.idc, g.image, mysqlCommand(g, serverId(n.name), own), {
        env: { ...mysqlEnv(g.flavor, own), ...ssh.env },
        files: [secretFile('db-root-password', ctx.inputs.secrets.rootPassword, own), ...ssh.files],
      }),
    );
    const access = (c: ContainerPlan): ServerAccess => ({ kind: 'mysql', host: c.ip, port: PORTS.mysql, user: 'root', password: ctx.inputs.secrets.rootPassword });
    const restoreUrl = planColdBackup(g, ctx, nodes, { access, serverCommand: (c) => mysqlCommand(g, serverId(c.node), own), dataDir: MYSQL_DATA_DIR });
    const managerUrl = g.failover.kind === 'manager' ? planManager(g, ctx, nodes) : g.failover.kind === 'mha' ? planMha(g, ctx, nodes) : restoreUrl;
    const proxies = planProxies(g, ctx, nodes);
    return {
      group: g,
      nodes,
      announcementUrl: managerUrl,
      clientConfig: (client, workload) => clientConfig(g, ctx, nodes, managerUrl, client, workload, proxies),
    };
  },
};

function planManager(g: MysqlGroup, ctx: PlanContext, nodes: readonly ContainerPlan[]): string {
  const f = g.failover;
  if (f.kind !== 'manager') throw new Error('not a manager');
  const { secrets } = ctx.inputs;
  const config: ManagerConfig = {
    group: g.name,
    nodes: nodes.map((p) => ({ name: p.node, host: p.ip, port: PORTS.mysql, idc: p.idc, city: ctx.cityOf(p.idc) })),
    initialPrimary: initialWriter(g)?.name ?? '',
    prefer: f.prefer,
    adminUser: 'root',
    adminPassword: secrets.rootPassword,
    replUser: REPL_USER,
    replPassword: secrets.replPassword,
    ...probingMachinery(f, secrets.managerToken),
    flavor: g.flavor,
    semiSync: g.replication === 'semi-sync',
  };
  const manager = ctx.add('manager', f.name, f.idc, OWN_IMAGE, programCommand('mysqlManager'), {
    binds: machineryMount(ctx, f.name),
    ...programConfig('manager.json', config),
  });
  return `http://${manager.ip}:${PORTS.manager}/primary`;
}

function clientConfig(
  g: MysqlGroup,
  ctx: PlanContext,
  nodes: readonly ContainerPlan[],
  announcementUrl: string | null,
  client: WorkloadClient,
  w: GroupWorkload,
  proxies: readonly ContainerPlan[],
): AgentGroupConfig {
  const { secrets } = ctx.inputs;
  const roles = new Map(g.nodes.map((n) => [n.name, n.role]));
  const writerNode = nodes.find((c) => c.node === initialWriter(g)?.name) ?? null;
  return {
    group: g.name,
    kind: 'mysql',
    writesPerSecond: w.writesPerSecond,
    readsPerSecond: w.readsPerSecond,
    inFlight: w.inFlight,
    write: routeOfOwn(w, client, nodes, proxies, ctx) ?? writeTarget(w, client, nodes, roles, writerNode, announcementUrl, ctx),
    readHost: readHostFor(nodes, roles, client.idc, w.reads, writerNode?.ip ?? null),
    port: PORTS.mysql,
    user: APP_USER,
    password: secrets.appPassword,
    database: DATABASE,
  };
}

/** The routes that find the writer without the machinery's help: through the client's proxy, or by asking every node. */
function routeOfOwn(w: GroupWorkload, client: WorkloadClient, nodes: readonly ContainerPlan[], proxies: readonly ContainerPlan[], ctx: PlanContext): WriteTarget | null {
  if (w.writes === 'writable') return { via: 'writable', hosts: nodes.map((n) => n.ip) };
  if (w.writes !== 'proxy') return null;
  const proxy = proxies.find((p) => p.node === proxyFor(w, client.idc));
  return { via: 'proxy', host: proxy?.ip ?? '', proxy: proxy?.node ?? '', nodes: serverIds(nodes, ctx) };
}

/** How a client's writes reach a group of one or several writable nodes: shared by MySQL and Galera. */
export function writeTarget(
  w: GroupWorkload,
  client: WorkloadClient,
  nodes: readonly ContainerPlan[],
  roles: ReadonlyMap<string, string>,
  writerNode: ContainerPlan | null,
  announcementUrl: string | null,
  ctx: PlanContext,
): WriteTarget {
  const token = ctx.inputs.secrets.managerToken;
  if (w.writes === 'dal') return { via: 'dal', url: `http://${ctx.dalIn(client.idc)?.ip ?? ''}:${PORTS.dal}`, token };
  if (w.writes === 'local') {
    const local = nodes.find((c) => c.idc === client.idc && ['primary', 'master', 'member'].includes(roles.get(c.node) ?? ''));
    return { via: 'node', host: local?.ip ?? '' };
  }
  if (announcementUrl !== null) return { via: 'announcement', url: announcementUrl, token, initialHost: writerNode?.ip ?? '' };
  // No machinery to follow: the writer stays where it was, as with a fixed address in the application's configuration.
  return { via: 'node', host: writerNode?.ip ?? '' };
}

/**
 * Each node's address by its server id: hadrill numbers its own nodes in
 * their order (see serverId above); an attached group's ids are the user's,
 * read from the nodes when the run came up.
 */
function serverIds(nodes: readonly ContainerPlan[], ctx: PlanContext): Record<string, string> {
  const attached = ctx.inputs.attach?.serverIds;
  return Object.fromEntries(nodes.map((n, i) => [String(attached?.[n.node] ?? i + 1), n.ip]));
}
