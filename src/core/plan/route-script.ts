// The network set-up a node needs, as one shell script a short-lived helper
// runs in the node's network namespace (the node itself has no NET_ADMIN).
// Segmentation offload goes off first, so that every TCP segment crosses the
// WAN router as its own packet (netem's loss then hits packets, not 64 KB
// bursts) before the node's process starts: hadrill's entrypoint starts it
// once the routes are there, and they come last. The default routes go (IPv4
// and IPv6, should the engine give the network one): an
// IDC network leads only to the other IDCs, through the router, and nowhere
// outside the topology.
import type { ContainerPlan } from './topology-plan.js';

const OFFLOAD_OFF = 'for d in $(ls /sys/class/net); do [ "$d" = lo ] || ethtool -K "$d" tso off gso off >/dev/null 2>&1 || true; done';

export function routeScript(container: Pick<ContainerPlan, 'env'>): string {
  const routes = (container.env['HADRILL_ROUTES'] ?? '').split(',').filter(Boolean).map((r) => r.split('=') as [string, string]);
  return [OFFLOAD_OFF, 'ip route del default 2>/dev/null; ip -6 route del default 2>/dev/null; true', ...routes.map(([subnet, via]) => `ip route replace ${subnet} via ${via}`)].join(' && ');
}
