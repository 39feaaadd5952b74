// The data access layer's containers: a router in every zone that clients
// send their operations to, and the controller that owns the routing table
// (shard -> home zone, with an epoch) and moves homes under write protection.
import { programConfig } from '../../core/plan/container-files.js';
import type { DalPlanner } from '../../core/plan/group-planner.js';
import { MACHINERY_EVENTS, machineryMount } from '../../core/plan/machinery.js';
import { PORTS } from '../../core/plan/topology-plan.js';
import { OWN_IMAGE } from '../../core/scenario/scenario.js';

/** What a zone's router and the controller are told at start. */
export interface DalConfig {
  zone: string;
  shards: number;
  homes: Record<string, number[]>;
  /** Each zone's writable node of the sharded group, and its own router. */
  zones: { name: string; idc: string; router: string; shardedHost: string }[];
  globalGroup: string | null;
  controllerUrl: string;
  token: string;
  listenPort: number;
  eventsFile: string;
}

export const dalPlanner: DalPlanner = {
  plan(dal, ctx, groups) {
    const { secrets } = ctx.inputs;
    const sharded = groups.find((p) => p.group.name === dal.shardedGroup);
    const shardedHost = (idc: string): string => {
      const node = sharded?.group.nodes.find((n) => n.idc === idc && (n.role === 'primary' || n.role === 'member'));
      return sharded?.nodes.find((c) => c.node === node?.name)?.ip ?? '';
    };
    const controller = ctx.add('dal-controller', dal.controller.name, dal.controller.idc, OWN_IMAGE, ['node', '/opt/hadrill/dist/src/datastores/dal/controller.js'], {
      binds: machineryMount(ctx, dal.controller.name),
    });
    const routers = dal.zones.map((z) => ctx.add('dal', z.name, z.idc, OWN_IMAGE, ['node', '/opt/hadrill/dist/src/datastores/dal/router.js'], { binds: machineryMount(ctx, z.name) }));
    const base = {
      shards: dal.shards,
      homes: dal.homes,
      zones: dal.zones.map((z, i) => ({ name: z.name, idc: z.idc, router: routers[i]!.ip, shardedHost: shardedHost(z.idc) })),
      globalGroup: dal.globalGroup,
      controllerUrl: `http://${controller.ip}:${PORTS.dal}`,
      token: secrets.managerToken,
      listenPort: PORTS.dal,
      eventsFile: MACHINERY_EVENTS,
    };
    for (const [i, router] of routers.entries()) Object.assign(router, withProgram(router, { ...base, zone: dal.zones[i]!.name }));
    Object.assign(controller, withProgram(controller, { ...base, zone: '' }));
  },
};

function withProgram<C extends { env: Record<string, string>; files: { path: string; content: string; mode: number }[] }>(c: C, config: DalConfig): Pick<C, 'env' | 'files'> {
  const program = programConfig('dal.json', config);
  return { env: { ...c.env, ...program.env }, files: [...c.files, ...program.files] };
}
