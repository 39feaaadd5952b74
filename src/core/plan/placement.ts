// Which containers a scenario places in which IDC, known from the scenario
// alone, before any address is given. The planner gives each IDC's
// containers the hosts of the IDC's /24 network from .10 up, and the router's
// leg is .254: an IDC holds what fits in between. The parser calls this to
// refuse a scenario that would not fit (it imports no planner and no Docker
// code), the planner to guard its addresses; a test holds it to what the
// per-kind planners really place.
import type { Dal, Group, Workload } from '../scenario/scenario.js';
import { proxiesOf } from './proxies.js';

/** The first host the planner gives in an IDC's network: below it are the gateway (.1) and room Docker may take. */
export const FIRST_HOST = 10;
/** The router's leg in every IDC's network. */
export const ROUTER_HOST = 254;
/** How many containers one IDC's network holds: hosts .10 to .253. */
export const IDC_CAPACITY = ROUTER_HOST - FIRST_HOST;

/** Where in the scenario a placed container comes from, so a problem with it can point there. */
export type Origin =
  | { part: 'node'; group: number; node: number }
  /** A manager, or a cold backup's restore manager. */
  | { part: 'failover'; group: number }
  | { part: 'sentinel'; group: number; sentinel: number }
  | { part: 'storage'; group: number }
  | { part: 'dal-zone'; zone: number }
  | { part: 'dal-controller' }
  | { part: 'client'; client: number }
  /** An HAProxy of a group's proxy route. */
  | { part: 'proxy'; workload: number };

export interface Placed {
  name: string;
  idc: string;
  origin: Origin;
}

export interface Placeable {
  groups: readonly Group[];
  dal: Dal | null;
  /** The groups' workload entries place the proxies of proxy routes; before they are read, none are counted. */
  workload: Pick<Workload, 'clients'> & Partial<Pick<Workload, 'groups'>>;
}

/**
 * Every container the planner places in an IDC (all but the router), in the
 * order the scenario declares them: each group's nodes and its machinery,
 * the data access layer, the clients' agents. The order is not the order
 * addresses are given in; only which IDC each lands in counts.
 */
export function placedContainers(s: Placeable): Placed[] {
  const placed: Placed[] = [];
  s.groups.forEach((g, group) => {
    g.nodes.forEach((n, node) => placed.push({ name: n.name, idc: n.idc, origin: { part: 'node', group, node } }));
    const f = g.failover;
    if (f.kind === 'manager' || f.kind === 'mha') placed.push({ name: f.name, idc: f.idc, origin: { part: 'failover', group } });
    if (f.kind === 'sentinel') f.sentinels.forEach((s, sentinel) => placed.push({ name: s.name, idc: s.idc, origin: { part: 'sentinel', group, sentinel } }));
    // A backup adds storage, and with restore failover a restore manager that needs a writer to watch and a
    // standby to restore onto (see cold-backup/plan/plan.ts). The parser refuses backups to kinds that take none.
    if (g.backup !== null) {
      placed.push({ name: g.backup.storage.name, idc: g.backup.storage.idc, origin: { part: 'storage', group } });
      const restorable = g.nodes.some((n) => n.role === 'primary' || n.role === 'master') && g.nodes.some((n) => n.role === 'standby');
      if (f.kind === 'restore' && restorable) placed.push({ name: f.name, idc: f.idc, origin: { part: 'failover', group } });
    }
  });
  s.dal?.zones.forEach((z, zone) => placed.push({ name: z.name, idc: z.idc, origin: { part: 'dal-zone', zone } }));
  if (s.dal) placed.push({ name: s.dal.controller.name, idc: s.dal.controller.idc, origin: { part: 'dal-controller' } });
  s.workload.clients.forEach((c, client) => placed.push({ name: c.name, idc: c.idc, origin: { part: 'client', client } }));
  s.workload.groups?.forEach((w, workload) => {
    for (const p of proxiesOf(w, s.workload.clients)) placed.push({ name: p.name, idc: p.idc, origin: { part: 'proxy', workload } });
  });
  return placed;
}

/** IDC name -> how many containers are placed there. */
export function containersPerIdc(s: Placeable): Map<string, number> {
  const counts = new Map<string, number>();
  for (const p of placedContainers(s)) counts.set(p.idc, (counts.get(p.idc) ?? 0) + 1);
  return counts;
}

/** What is wrong when `count` containers are placed in one IDC, or null when they fit. */
export function capacityProblem(idc: string, count: number): string | null {
  if (count <= IDC_CAPACITY) return null;
  return `IDC "${idc}" would hold ${count} containers (datastore nodes, failover machinery, backup storage, data access layer, clients, proxies); its network has addresses for ${IDC_CAPACITY} (hosts .${FIRST_HOST} to .${ROUTER_HOST - 1}): place some of them in another IDC`;
}
