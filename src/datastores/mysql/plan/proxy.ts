// The HAProxies of a MySQL group's proxy route: where the scenario places
// them (see core/plan/proxies.ts), each checking every node of the group.
import { programConfig } from '../../../core/plan/container-files.js';
import type { PlanContext } from '../../../core/plan/group-planner.js';
import { MACHINERY_EVENTS, machineryMount } from '../../../core/plan/machinery.js';
import { programCommand } from '../../../core/plan/programs.js';
import { proxiesOf } from '../../../core/plan/proxies.js';
import { APP_USER, PORTS, type ContainerPlan } from '../../../core/plan/topology-plan.js';
import { OWN_IMAGE, type Group } from '../../../core/scenario/scenario.js';
import type { ProxyConfig } from '../proxy-config.js';

export function planProxies(g: Group, ctx: PlanContext, nodes: readonly ContainerPlan[]): ContainerPlan[] {
  const w = ctx.scenario.workload.groups.find((x) => x.group === g.name);
  if (!w || w.proxy === null) return [];
  const route = w.proxy;
  return proxiesOf(w, ctx.scenario.workload.clients).map((p) => {
    const config: ProxyConfig = {
      group: g.name,
      proxy: p.name,
      listenPort: PORTS.mysql,
      servers: nodes.map((n) => ({ name: n.node, host: n.ip, port: PORTS.mysql })),
      checkIntervalMs: route.checkIntervalMs,
      fall: route.fall,
      rise: route.rise,
      checkUser: APP_USER,
      checkPassword: ctx.inputs.secrets.appPassword,
      eventsFile: MACHINERY_EVENTS,
    };
    return ctx.add('proxy', p.name, p.idc, OWN_IMAGE, programCommand('mysqlProxy'), { binds: machineryMount(ctx, p.name), ...programConfig('proxy.json', config) });
  });
}
