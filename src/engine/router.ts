// The WAN router's packet filter. hadrill adds its rules only to its own
// chain, each tagged with the fault it belongs to, so a heal removes exactly
// what that fault added and nothing else.
import type { NetworkPlan } from '../core/plan/topology-plan.js';

export const ROUTER_CHAIN = 'HADRILL-FWD';

/**
 * Idempotent: creates the chain and the jump to it once, and drops the
 * router's default route: it forwards between the IDCs' subnets only, all of
 * them directly attached, and leads nowhere outside the topology.
 */
export function routerSetupCommands(): string[][] {
  return [
    ['sh', '-c', `iptables -N ${ROUTER_CHAIN} 2>/dev/null; iptables -C FORWARD -j ${ROUTER_CHAIN} 2>/dev/null || iptables -I FORWARD 1 -j ${ROUTER_CHAIN}`],
    ['sh', '-c', 'ip route del default 2>/dev/null; true'],
  ];
}

/** Drops forwarded packets from one IDC's subnet to another's (one direction). */
export function dropRule(from: NetworkPlan, to: NetworkPlan, faultId: string): string[] {
  return ['-s', from.subnet, '-d', to.subnet, '-m', 'comment', '--comment', `hadrill:${faultId}`, '-j', 'DROP'];
}

/** One iptables invocation that adds (or deletes) a set of rules atomically enough for a fault: a restore script. */
export function ruleScript(rules: string[][], action: '-A' | '-D'): string {
  return rules.map((r) => `iptables ${action} ${ROUTER_CHAIN} ${r.map(quote).join(' ')}`).join(' && ');
}

function quote(arg: string): string {
  return /^[\w./:-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, "'\\''")}'`;
}
