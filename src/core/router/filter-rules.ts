// The WAN router's packet filter. hadrill adds its rules only to its own
// chain, each tagged with the fault it belongs to, so a heal removes exactly
// what that fault added and nothing else. These are the command lines the
// router runs, built here once for every place that runs them.
import { blockedPairs, type FaultSpec } from '../faults.js';
import type { NetworkPlan } from '../plan/topology-plan.js';
import { shellQuote } from '../shell-quote.js';

export const ROUTER_CHAIN = 'HADRILL-FWD';

/**
 * Idempotent: creates the chain and the jump to it once, and drops the
 * router's default routes (IPv4 and IPv6): it forwards between the IDCs' subnets only, all of
 * them directly attached, and leads nowhere outside the topology.
 */
export function routerSetupCommands(): string[][] {
  return [
    ['sh', '-c', `iptables -N ${ROUTER_CHAIN} 2>/dev/null; iptables -C FORWARD -j ${ROUTER_CHAIN} 2>/dev/null || iptables -I FORWARD 1 -j ${ROUTER_CHAIN}`],
    ['sh', '-c', 'ip route del default 2>/dev/null; ip -6 route del default 2>/dev/null; true'],
  ];
}

/** Drops forwarded packets from one IDC's subnet to another's (one direction). */
export function dropRule(from: NetworkPlan, to: NetworkPlan, faultId: string): string[] {
  return ['-s', from.subnet, '-d', to.subnet, '-m', 'comment', '--comment', `hadrill:${faultId}`, '-j', 'DROP'];
}

/** One iptables command line per rule, adding (-A) or deleting (-D) it in hadrill's chain. */
export function ruleCommands(rules: string[][], action: '-A' | '-D'): string[] {
  return rules.map((r) => `iptables ${action} ${ROUTER_CHAIN} ${r.map(shellQuote).join(' ')}`);
}

/**
 * The router command that applies or heals a cut, partition or isolation
 * (null for faults that add no rules). Applying stops at the first rule that
 * fails; healing deletes every rule it can and tolerates rules already gone,
 * so a heal can be repeated after a crash.
 */
export function faultRulesCommand(spec: FaultSpec, networks: NetworkPlan[], faultId: string, action: 'apply' | 'heal'): string[] | null {
  const net = (idc: string): NetworkPlan => {
    const found = networks.find((n) => n.idc === idc);
    if (!found) throw new Error(`No network for IDC ${idc}`);
    return found;
  };
  const rules = blockedPairs(spec, networks.map((n) => n.idc)).map(([from, to]) => dropRule(net(from), net(to), faultId));
  if (rules.length === 0) return null;
  const script = action === 'apply' ? ruleCommands(rules, '-A').join(' && ') : `${ruleCommands(rules, '-D').map((c) => `${c} 2>/dev/null`).join('; ')}; true`;
  return ['sh', '-c', script];
}
