// The second table of `hadrill compare`: how each drill's service failed
// over. Its worst gap split by the machinery's milestones (detection,
// promotion, reroute, and of the reroute the proxy's part), who was promoted
// and why, promotions nobody asked for (false failovers), and what the
// clients saw meanwhile: writes refused, and writes whose fate they could
// not know. Side by side, this is where one failover stack differs from
// another with the same tier.
import type { ServiceResult } from '../check/check-types.js';
import { formatDuration } from './render-summary.js';

export interface FailoverCells {
  scenario: string;
  service: string;
  detectMs: number | null;
  promoteMs: number | null;
  rerouteMs: number | null;
  /** Of the reroute, the proxy's part; undefined where no proxy stood in front of the group. */
  proxyMs: number | null | undefined;
  promoted: string[];
  /** null for a report written before hadrill counted them. */
  falseFailovers: number | null;
  failed: number;
  unknown: number;
}

export function failoverCells(scenario: string, s: ServiceResult): FailoverCells {
  return {
    scenario,
    service: s.name,
    detectMs: s.rtoSplit.detectMs,
    promoteMs: s.rtoSplit.promoteMs,
    rerouteMs: s.rtoSplit.rerouteMs,
    proxyMs: s.rtoSplit.proxyMs,
    promoted: s.promotions.map((p) => (p.reason === null ? p.node : `${p.node} (${p.reason})`)),
    falseFailovers: s.promotionsWithoutFault === undefined ? null : s.promotionsWithoutFault.length,
    failed: s.failed,
    unknown: s.unknown,
  };
}

export const FAILOVER_HEAD = ['scenario', 'service', 'detect', 'promote', 'reroute (proxy)', 'promoted', 'false failovers', 'writes refused / unknown'] as const;

export function failoverRow(c: FailoverCells): string[] {
  const reroute = formatDuration(c.rerouteMs) + (c.proxyMs === undefined ? '' : ` (${formatDuration(c.proxyMs)})`);
  return [
    c.scenario,
    c.service,
    formatDuration(c.detectMs),
    formatDuration(c.promoteMs),
    reroute,
    c.promoted.length === 0 ? '-' : c.promoted.join('; '),
    c.falseFailovers === null ? '?' : String(c.falseFailovers),
    `${c.failed} / ${c.unknown}`,
  ];
}

export const FAILOVER_TITLE = 'How each failed over (the worst client gap, split by the machinery\'s own milestones):';

export const FAILOVER_NOTE =
  'detect: from the fault to the machinery declaring the writer dead. promote: from then to the promotion it reports. reroute: from the promotion to the first durable write; in brackets, the part until a proxy marked a node up (proxy routes). false failovers: promotions before any fault was asked for. writes refused / unknown: writes the clients were told failed, and writes whose outcome they could not know.';
