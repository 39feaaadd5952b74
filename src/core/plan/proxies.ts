// Where the proxies of a group's proxy route stand: one shared in the IDC the
// scenario names, or one in every IDC whose clients write through it, so
// that a client's proxy dies with its own IDC and never with another's.
import type { GroupWorkload, WorkloadClient } from '../scenario/scenario.js';

export interface PlacedProxy {
  name: string;
  idc: string;
}

/** The proxies a group's workload entry places (none unless it writes through a proxy). */
export function proxiesOf(w: GroupWorkload, clients: readonly WorkloadClient[]): PlacedProxy[] {
  if (w.writes !== 'proxy' || w.proxy === null) return [];
  if (w.proxy.idc !== null) return [{ name: `${w.group}-proxy`, idc: w.proxy.idc }];
  const idcs = [...new Set(clients.filter((c) => w.from.includes(c.idc)).map((c) => c.idc))];
  return idcs.map((idc) => ({ name: `${w.group}-proxy-${idc}`, idc }));
}

/** The proxy a client in `idc` writes through. */
export function proxyFor(w: GroupWorkload, idc: string): string {
  return w.proxy?.idc != null ? `${w.group}-proxy` : `${w.group}-proxy-${idc}`;
}
