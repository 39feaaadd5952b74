// Cuts between IDCs of an attached run, as filter rules inside each
// container's own network namespace (there is no router of hadrill's between
// the user's containers). A fault's rules live in a chain of their own, named
// after the fault, jumped to from INPUT and OUTPUT: healing removes exactly
// that chain and its jumps, and nothing of the container's own (Docker keeps
// its DNS rules in the nat table there, which is never touched).
import { blockedPairs, type FaultSpec } from '../faults.js';

/** The chain of one fault: iptables allows 28 characters. */
export function faultChain(faultId: string): string {
  return `HADRILL-${faultId}`.slice(0, 28);
}

/**
 * The shell script that applies (or heals) one fault's rules in the netns of
 * a container in `idc`. `addresses` gives every IDC's container addresses.
 * Null when the fault blocks nothing to or from this IDC.
 */
export function netnsRulesScript(spec: FaultSpec, idc: string, addresses: Record<string, string[]>, faultId: string, action: 'apply' | 'heal'): string | null {
  const chain = faultChain(faultId);
  if (action === 'heal') {
    // Every step may find its rule gone already (a restarted container has a new namespace): a heal can be repeated.
    return [`iptables -w -D INPUT -j ${chain}`, `iptables -w -D OUTPUT -j ${chain}`, `iptables -w -F ${chain}`, `iptables -w -X ${chain}`].map((c) => `${c} 2>/dev/null`).join('; ') + '; true';
  }
  const pairs = blockedPairs(spec, Object.keys(addresses));
  // Outgoing to a blocked IDC is matched by destination, incoming from one by source: one chain serves both hooks.
  const out = pairs.filter(([from]) => from === idc).flatMap(([, to]) => addresses[to] ?? []).map((ip) => `-d ${ip}`);
  const into = pairs.filter(([, to]) => to === idc).flatMap(([from]) => addresses[from] ?? []).map((ip) => `-s ${ip}`);
  const matches = [...new Set([...out, ...into])];
  if (matches.length === 0) return null;
  return [
    `iptables -w -N ${chain}`,
    ...matches.map((m) => `iptables -w -A ${chain} ${m} -j DROP`),
    `iptables -w -I INPUT 1 -j ${chain}`,
    `iptables -w -I OUTPUT 1 -j ${chain}`,
  ].join(' && ');
}
