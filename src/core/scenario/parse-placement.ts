// The containers a scenario places, checked once the whole scenario is read:
// every one is named after its node, machinery or client, so no name may be
// used twice (reported where it is written the second time); and every IDC
// is a /24 network, so it may hold no more containers than it has addresses.
import { capacityProblem, containersPerIdc, placedContainers, type Origin, type Placeable } from '../plan/placement.js';
import type { Checks, Path } from './parse-support.js';
import type { GroupPaths } from './parse-groups.js';

/** The router between IDCs: a container of every scenario, though no scenario declares it. */
const ROUTER = 'router';

export function checkPlacement(s: Placeable, groupPaths: readonly GroupPaths[], idcNames: readonly string[], c: Checks): void {
  const placed = placedContainers(s);
  // The router comes first, so that a node or client named "router" is the one reported.
  const names = [ROUTER, ...placed.map((p) => p.name)];
  const paths: Path[] = [[], ...placed.map((p) => nameOf(p.origin, groupPaths))];
  c.duplicates(
    names,
    (i) => paths[i] ?? [],
    (n) => `the name "${n}" is used by two nodes, machinery containers or clients; names must be unique${n === ROUTER ? ` ("${ROUTER}" is hadrill's router between IDCs)` : ''}`,
  );

  const counts = containersPerIdc(s);
  const seen = new Set<string>();
  idcNames.forEach((idc, i) => {
    if (seen.has(idc)) return; // declared twice: reported once, at its first declaration
    seen.add(idc);
    const problem = capacityProblem(idc, counts.get(idc) ?? 0);
    if (problem) c.report(['idcs', i], problem);
  });
}

/** Where the name of a placed container is written, or would be written when it was made up. */
function nameOf(origin: Origin, groupPaths: readonly GroupPaths[]): Path {
  switch (origin.part) {
    case 'node':
      return groupPaths[origin.group]?.at('nodes', origin.node, 'name') ?? [];
    case 'failover':
      return groupPaths[origin.group]?.failover('name') ?? [];
    case 'sentinel':
      return groupPaths[origin.group]?.failover('sentinels', origin.sentinel, 'name') ?? [];
    case 'storage':
      return groupPaths[origin.group]?.at('backup', 'storage', 'name') ?? [];
    case 'dal-zone':
      return ['dal', 'zones', origin.zone, 'name'];
    case 'dal-controller':
      return ['dal', 'controller', 'name'];
    case 'client':
      return ['workload', 'clients', origin.client, 'name'];
    case 'proxy':
      return ['workload', 'groups', origin.workload, 'proxy'];
  }
}
