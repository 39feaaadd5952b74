// Links between IDCs: every pair has a baseline shape (from the cities, or
// from the scenario), and faults may degrade a link for a while. A shape is
// symmetric and quoted the way people quote WAN links: latency is the round
// trip (what ping shows), applied as half in each direction; jitter is the
// spread of that round trip; loss and rate apply to each direction.
import type { NetworkPlan } from './plan/topology-plan.js';

export interface LinkShape {
  latencyMs: number;
  jitterMs: number;
  lossPct: number;
  /** null: unlimited */
  rateKbit: number | null;
}

export interface Link {
  a: string;
  b: string;
  shape: LinkShape;
}

/** One direction of a link as the emulators apply it. */
export interface DirectedShape {
  from: string;
  to: string;
  delayMs: number;
  jitterMs: number;
  lossPct: number;
  rateKbit: number | null;
}

export type WanMechanism = 'netem' | 'userspace' | 'none';

export const NO_SHAPE: LinkShape = { latencyMs: 0, jitterMs: 0, lossPct: 0, rateKbit: null };

export function pairKey(a: string, b: string): string {
  return a < b ? `${a}|${b}` : `${b}|${a}`;
}

/** Every pair of IDCs with its baseline: the scenario's own link if it names one, else by city. */
export function baselineLinks(
  idcs: { name: string; city: string }[],
  defaults: { sameCityLatencyMs: number; crossCityLatencyMs: number },
  declared: Link[],
): Link[] {
  const byPair = new Map(declared.map((l) => [pairKey(l.a, l.b), l]));
  const links: Link[] = [];
  for (const [i, a] of idcs.entries()) {
    for (const b of idcs.slice(i + 1)) {
      const own = byPair.get(pairKey(a.name, b.name));
      const latencyMs = a.city === b.city ? defaults.sameCityLatencyMs : defaults.crossCityLatencyMs;
      links.push({ a: a.name, b: b.name, shape: own?.shape ?? { ...NO_SHAPE, latencyMs } });
    }
  }
  return links;
}

/** Applies degradations (later ones win) over the baselines. */
export function effectiveLinks(baseline: Link[], degradations: { a: string; b: string; shape: Partial<LinkShape> }[]): Link[] {
  return baseline.map((link) => {
    let shape = link.shape;
    for (const d of degradations) if (pairKey(d.a, d.b) === pairKey(link.a, link.b)) shape = { ...shape, ...d.shape };
    return { ...link, shape };
  });
}

export function directedShapes(links: Link[]): DirectedShape[] {
  return links.flatMap((l) => {
    const one = { delayMs: l.shape.latencyMs / 2, jitterMs: l.shape.jitterMs / 2, lossPct: l.shape.lossPct, rateKbit: l.shape.rateKbit };
    return [
      { from: l.a, to: l.b, ...one },
      { from: l.b, to: l.a, ...one },
    ];
  });
}

export function isShaped(shape: DirectedShape): boolean {
  return shape.delayMs > 0 || shape.jitterMs > 0 || shape.lossPct > 0 || shape.rateKbit !== null;
}

/** The userspace emulator's configuration file. */
export function wanConfig(networks: NetworkPlan[], shapes: DirectedShape[]): string {
  return JSON.stringify({ subnets: Object.fromEntries(networks.map((n) => [n.idc, n.subnet])), links: shapes.filter(isShaped) });
}
