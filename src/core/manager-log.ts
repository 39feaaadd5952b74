// Failover milestones from the reference manager's event log.
import type { FailoverMilestones } from './check/rto-split.js';
import type { ManagerEvent } from './plan/runtime-configs.js';

export function parseManagerEvents(text: string): ManagerEvent[] {
  return text
    .split('\n')
    .filter((l) => l.trim().startsWith('{'))
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as ManagerEvent];
      } catch {
        return [];
      }
    });
}

/** Every detection and promotion at or after `sinceMs`, in time order. */
export function managerMilestones(events: ManagerEvent[], sinceMs: number): FailoverMilestones {
  const at = (t: ManagerEvent['t']): number[] => events.filter((e) => e.t === t && e.at >= sinceMs).map((e) => e.at).sort((a, b) => a - b);
  const promotions = events.flatMap((e) => (e.t === 'promoted' && e.at >= sinceMs ? [{ atMs: e.at, node: e.node, reason: e.reason ?? null }] : [])).sort((a, b) => a.atMs - b.atMs);
  // A planned switchover's start stands where a failure's detection would: the machinery has begun to move the writer.
  return { detectedMs: [...at('failure-detected'), ...at('switchover-started')].sort((a, b) => a - b), promotedMs: at('promoted'), promotions };
}

export interface LagSeries {
  /** The group whose replica it is. */
  service: string;
  node: string;
  /** the largest number of transactions the replica was behind in the window */
  maxTransactionsBehind: number | null;
  samples: { at: number; transactionsBehind: number | null; secondsBehind: number | null; replicating: boolean }[];
}

/** The manager's lag samples between two instants, one series per replica of its group. */
export function lagSeries(events: ManagerEvent[], fromMs: number, toMs: number, group = 'mysql'): LagSeries[] {
  const byNode = new Map<string, LagSeries>();
  for (const e of events) {
    if (e.t !== 'lag' || e.at < fromMs || e.at > toMs) continue;
    const series = byNode.get(e.node) ?? { service: group, node: e.node, maxTransactionsBehind: null, samples: [] };
    series.samples.push({ at: e.at, transactionsBehind: e.transactionsBehind, secondsBehind: e.secondsBehind, replicating: e.replicating });
    if (e.transactionsBehind !== null) series.maxTransactionsBehind = Math.max(series.maxTransactionsBehind ?? 0, e.transactionsBehind);
    byNode.set(e.node, series);
  }
  return [...byNode.values()].sort((a, b) => a.node.localeCompare(b.node));
}
