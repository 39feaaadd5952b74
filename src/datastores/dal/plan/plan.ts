// The data access layer's containers: a router in every zone that clients
// send their writes to, and the controller that owns the routing table
// (shard -> home zone, with an epoch) and moves homes under write protection.
import { programConfig } from '../../../core/plan/container-files.js';
import type { DalPlanner, PlannedGroup } from '../../../core/plan/group-planner.js';
import { MACHINERY_EVENTS, MACHINERY_MEMORY, machineryMount } from '../../../core/plan/machinery.js';
import type { WriteTarget } from '../../../core/plan/runtime-configs.js';
import { APP_USER, DATABASE, PORTS, readHostFor } from '../../../core/plan/topology-plan.js';
import { initialWriter, OWN_IMAGE, type Dal } from '../../../core/scenario/scenario.js';
import type { DalConfig, DalZone } from '../protocol.js';
import { programCommand } from '../../../core/plan/programs.js';

/** How often the routers ask for the table, and how long they trust what they got. */
export const DAL_TIMING = { pollMs: 200, leaseMs: 1500, probe: { intervalMs: 500, failureThreshold: 3, connectTimeoutMs: 1000 } } as const;

export const dalPlanner: DalPlanner = {
  plan(dal, ctx, groups) {
    const { secrets } = ctx.inputs;
    const sharded = groups.find((p) => p.group.name === dal.shardedGroup);
    const shardedNode = (idc: string): DalZone['shardedNode'] => {
      const node = sharded?.group.nodes.find((n) => n.idc === idc && (n.role === 'primary' || n.role === 'member'));
      const container = sharded?.nodes.find((c) => c.node === node?.name);
      // A MariaDB node's GTID domain is its server id, its place in the group (the planner's rule).
      return node && container ? { name: node.name, host: container.ip, domain: sharded!.group.nodes.indexOf(node) + 1 } : null;
    };
    const controller = ctx.add('dal-controller', dal.controller.name, dal.controller.idc, OWN_IMAGE, programCommand('dalController'), {
      binds: machineryMount(ctx, dal.controller.name),
    });
    const routers = dal.zones.map((z) => ctx.add('dal', z.name, z.idc, OWN_IMAGE, programCommand('dalRouter'), { binds: machineryMount(ctx, z.name) }));
    const base: Omit<DalConfig, 'zone'> = {
      shards: dal.shards,
      homes: dal.homes,
      zones: dal.zones.map((z, i) => ({ name: z.name, idc: z.idc, router: routers[i]!.ip, shardedNode: shardedNode(z.idc), reads: localReads(z.idc, groups, dal) })),
      shardedGroup: dal.shardedGroup,
      global: globalWrites(dal, groups, ctx.scenario.groups.find((g) => g.name === dal.globalGroup), secrets.managerToken),
      controllerUrl: `http://${controller.ip}:${PORTS.dal}`,
      token: secrets.managerToken,
      listenPort: PORTS.dal,
      eventsFile: MACHINERY_EVENTS,
      stateFile: MACHINERY_MEMORY,
      mysql: { port: PORTS.mysql, user: APP_USER, password: secrets.appPassword, database: DATABASE, adminUser: 'root', adminPassword: secrets.rootPassword },
      opTimeoutMs: ctx.scenario.workload.opTimeoutMs,
      ...DAL_TIMING,
    };
    for (const [i, router] of routers.entries()) Object.assign(router, withProgram(router, { ...base, zone: dal.zones[i]!.name }));
    Object.assign(controller, withProgram(controller, { ...base, zone: '' }));
  },
};

/**
 * Global data is written in the master zone only: where its failover
 * machinery announces the writer (a manager moves it when the master zone is
 * lost), or, with no machinery, the group's node in the first zone (the
 * central unit).
 */
function globalWrites(dal: Dal, groups: readonly PlannedGroup[], group: PlannedGroup['group'] | undefined, token: string): DalConfig['global'] {
  if (!group) return null;
  const planned = groups.find((p) => p.group.name === group.name);
  if (!planned) return null;
  const writer = initialWriter(group);
  const masterZone = dal.zones[0]!;
  const fixed = writer ? planned.nodes.find((c) => c.node === writer.name) : planned.nodes.find((c) => c.idc === masterZone.idc);
  const write: WriteTarget = planned.announcementUrl
    ? { via: 'announcement', url: planned.announcementUrl, token, initialHost: fixed?.ip ?? '' }
    : { via: 'node', host: fixed?.ip ?? '' };
  return { group: group.name, write };
}

/** Each routed group's copy in the zone that reads are served from, as a client's local reads are. */
function localReads(idc: string, groups: readonly PlannedGroup[], dal: Dal): Record<string, string | null> {
  const routed = groups.filter((p) => p.group.name === dal.shardedGroup || p.group.name === dal.globalGroup);
  return Object.fromEntries(routed.map((p) => [p.group.name, readHostFor(p.nodes, new Map(p.group.nodes.map((n) => [n.name, n.role])), idc, 'local', null)]));
}

function withProgram<C extends { env: Record<string, string>; files: { path: string; content: string; mode: number }[] }>(c: C, config: DalConfig): Pick<C, 'env' | 'files'> {
  const program = programConfig('dal.json', config);
  return { env: { ...c.env, ...program.env }, files: [...c.files, ...program.files] };
}
