// Link shapes with tc netem, for kernels that have sch_netem. Egress on the
// router's leg into IDC X carries everything bound for X; an HTB class per
// source IDC (chosen by a u32 match on the source subnet) holds a netem qdisc
// with that direction's delay, jitter and loss, and the class's rate is the
// direction's bandwidth. Unmatched traffic (ARP, the router's own) takes the
// default class, unshaped. hadrill owns the router, so it owns the root qdiscs
// outright and rebuilds them whole on every change.
import { isShaped, type DirectedShape } from '../links.js';
import type { NetworkPlan } from '../plan/topology-plan.js';
import { shellQuote } from '../shell-quote.js';

const DEFAULT_CLASS = 999;
const UNLIMITED = '10gbit';

interface ShapedSource {
  /** The class minor, also the netem handle's prefix: the source IDC's position, from 1. */
  minor: number;
  subnet: string;
  shape: DirectedShape;
}

/** The `tc -batch` lines that build one leg's tree: HTB root, default class, a class, netem and filter per shaped source. */
function legTree(dev: string, sources: ShapedSource[]): string[] {
  if (sources.length === 0) return [];
  const lines = [`qdisc add dev ${dev} root handle 1: htb default ${DEFAULT_CLASS}`, `class add dev ${dev} parent 1: classid 1:${DEFAULT_CLASS} htb rate ${UNLIMITED}`];
  for (const { minor, subnet, shape } of sources) {
    const jitter = shape.jitterMs > 0 ? ` ${shape.jitterMs}ms` : '';
    const loss = shape.lossPct > 0 ? ` loss ${shape.lossPct}%` : '';
    lines.push(`class add dev ${dev} parent 1: classid 1:${minor} htb rate ${shape.rateKbit ? `${shape.rateKbit}kbit` : UNLIMITED}`);
    lines.push(`qdisc add dev ${dev} parent 1:${minor} handle ${minor}0: netem delay ${shape.delayMs}ms${jitter}${loss}`);
    lines.push(`filter add dev ${dev} parent 1: protocol ip prio ${minor} u32 match ip src ${subnet} flowid 1:${minor}`);
  }
  return lines;
}

/** The `tc -batch` lines that build every leg's tree for these directed shapes (on legs cleared first). */
export function netemBatch(networks: NetworkPlan[], legs: Record<string, string>, shapes: DirectedShape[]): string[] {
  return networks.flatMap((to) => {
    const dev = legs[to.idc];
    if (!dev) return [];
    const sources = networks.flatMap((from, index): ShapedSource[] => {
      const shape = shapes.find((s) => s.from === from.idc && s.to === to.idc);
      return from.idc !== to.idc && shape && isShaped(shape) ? [{ minor: index + 1, subnet: from.subnet, shape }] : [];
    });
    return legTree(dev, sources);
  });
}

/**
 * The router command that reshapes every leg: deletes each leg's root qdisc
 * (a leg without one refuses the delete, which is expected, so those errors are
 * ignored), then builds the new trees in one `tc -batch` that stops at the
 * first line the kernel refuses and fails the command with tc's message.
 */
export function netemCommand(networks: NetworkPlan[], legs: Record<string, string>, shapes: DirectedShape[]): string[] {
  const clear = networks.flatMap((n) => (legs[n.idc] ? [`tc qdisc del dev ${shellQuote(legs[n.idc] as string)} root 2>/dev/null`] : []));
  const build = `[ "$#" -eq 0 ] || printf '%s\\n' "$@" | tc -batch -`;
  return ['sh', '-c', [...clear, build].join('; '), 'sh', ...netemBatch(networks, legs, shapes)];
}

/**
 * A shell snippet that succeeds only where the kernel builds the whole tree
 * hadrill uses (HTB, u32, netem), tried on the loopback device and removed.
 */
export function netemProbeScript(): string {
  const probe: DirectedShape = { from: 'probe', to: 'lo', delayMs: 1, jitterMs: 0, lossPct: 0, rateKbit: null };
  const lines = legTree('lo', [{ minor: 1, subnet: '127.0.0.0/8', shape: probe }]);
  return `printf '%s\\n' ${lines.map(shellQuote).join(' ')} | tc -batch - >/dev/null 2>&1; ok=$?; tc qdisc del dev lo root 2>/dev/null; [ "$ok" -eq 0 ]`;
}
