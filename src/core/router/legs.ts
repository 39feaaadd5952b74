// The router's interface in each IDC network. Docker names a container's
// interfaces in the order it attaches networks, which is not the plan's
// order, so the legs are found by the router's address in each subnet.
import type { NetworkPlan } from '../plan/topology-plan.js';

/** What the router runs to list its addresses, one line per address. */
export const ROUTER_ADDRESSES_COMMAND = ['ip', '-o', '-4', 'addr', 'show'];

/** IDC -> interface, from the output of ROUTER_ADDRESSES_COMMAND. */
export function routerLegsFromAddresses(output: string, networks: NetworkPlan[]): Record<string, string> {
  const legs: Record<string, string> = {};
  for (const line of output.split('\n')) {
    const m = /^\d+:\s+(\S+?)(?:@\S+)?\s+inet\s+([\d.]+)\//.exec(line);
    const network = m && networks.find((n) => n.routerIp === m[2]);
    if (m && network) legs[network.idc] = m[1] as string;
  }
  return legs;
}
