// The routes a node needs, as one shell script a short-lived helper runs in
// the node's network namespace (the node itself has no NET_ADMIN). The
// default route goes first: an IDC network leads only to the other IDCs,
// through the router, and nowhere outside the topology.
import type { ContainerPlan } from './topology-plan.js';

export function routeScript(container: Pick<ContainerPlan, 'env'>): string {
  const routes = (container.env['HADRILL_ROUTES'] ?? '').split(',').filter(Boolean).map((r) => r.split('=') as [string, string]);
  return ['ip route del default 2>/dev/null; true', ...routes.map(([subnet, via]) => `ip route replace ${subnet} via ${via}`)].join(' && ');
}
