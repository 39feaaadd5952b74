// The histories folded for Prometheus: unlike `watch`'s LiveStats, which
// answers for a sliding window, these only grow (counters since the run's
// first line), and Prometheus computes the rates. Per group (the history's
// service), client IDC and outcome; latency of acknowledged writes only, as
// `watch` shows it (a timed-out write's latency is the timeout, not the
// datastore's).
import type { HistoryLine, Outcome, ServiceName } from '../history.js';

/** Seconds: from a local write (about a millisecond) to the usual 2 s operation timeout and beyond. */
export const WRITE_LATENCY_BOUNDS: readonly number[] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export interface WriteCounts {
  group: ServiceName;
  idc: string;
  outcomes: Record<Outcome, number>;
  /** Acknowledged writes per bucket of WRITE_LATENCY_BOUNDS, with one more for those above the last bound. */
  latencyCounts: number[];
  latencySumSeconds: number;
}

export class WriteCounters {
  /** Writes invoked and not completed yet, by op id. */
  private readonly pending = new Map<string, { group: ServiceName; idc: string; at: number }>();
  private readonly counts = new Map<string, WriteCounts>();

  add(line: HistoryLine): void {
    if (line.t === 'invoke') {
      if (line.kind === 'write') this.pending.set(line.id, { group: line.service, idc: line.idc, at: line.at });
      return;
    }
    if (line.t !== 'complete') return;
    const invoke = this.pending.get(line.id);
    if (!invoke) return;
    this.pending.delete(line.id);
    const key = `${invoke.group}\u0000${invoke.idc}`;
    let entry = this.counts.get(key);
    if (!entry) {
      entry = { group: invoke.group, idc: invoke.idc, outcomes: { ok: 0, failed: 0, unknown: 0 }, latencyCounts: new Array<number>(WRITE_LATENCY_BOUNDS.length + 1).fill(0), latencySumSeconds: 0 };
      this.counts.set(key, entry);
    }
    entry.outcomes[line.outcome] += 1;
    if (line.outcome !== 'ok') return;
    const seconds = Math.max(0, line.at - invoke.at) / 1000;
    const bucket = WRITE_LATENCY_BOUNDS.findIndex((bound) => seconds <= bound);
    entry.latencyCounts[bucket === -1 ? WRITE_LATENCY_BOUNDS.length : bucket]! += 1;
    entry.latencySumSeconds += seconds;
  }

  /** Sorted by group, then IDC, so every scrape lists the series in the same order. */
  snapshot(): WriteCounts[] {
    return [...this.counts.values()]
      .sort((a, b) => a.group.localeCompare(b.group) || a.idc.localeCompare(b.idc))
      .map((c) => ({ ...c, outcomes: { ...c.outcomes }, latencyCounts: [...c.latencyCounts] }));
  }
}
