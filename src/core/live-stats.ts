// Rates over a sliding window, for `hadrill watch`: per service and client
// IDC, acknowledged writes/s, errors/s (failed + unknown) and p99 latency of
// the writes that completed in the window.
import type { HistoryLine, ServiceName } from './history.js';

export interface LiveRow {
  service: ServiceName;
  idc: string;
  writesPerSecond: number;
  errorsPerSecond: number;
  p99Ms: number | null;
  /** ms since this IDC's clients last saw an acknowledged write (null: none yet) */
  sinceLastOkMs: number | null;
}

interface Completion {
  at: number;
  ok: boolean;
  latencyMs: number;
}

/** Accumulates history lines as they are appended, and answers for any window. */
export class LiveStats {
  private readonly invokes = new Map<string, { service: ServiceName; idc: string; at: number }>();
  private readonly completions = new Map<string, Completion[]>();
  private readonly lastOk = new Map<string, number>();

  add(line: HistoryLine): void {
    if (line.t === 'invoke') {
      // Reads have their own figures in the report; the live view is about writes.
      if (line.kind !== 'write') return;
      this.invokes.set(line.id, { service: line.service, idc: line.idc, at: line.at });
      return;
    }
    if (line.t !== 'complete') return;
    const invoke = this.invokes.get(line.id);
    if (!invoke) return;
    this.invokes.delete(line.id);
    const key = `${invoke.service}|${invoke.idc}`;
    const list = this.completions.get(key) ?? [];
    list.push({ at: line.at, ok: line.outcome === 'ok', latencyMs: line.at - invoke.at });
    this.completions.set(key, list);
    if (line.outcome === 'ok') this.lastOk.set(key, Math.max(this.lastOk.get(key) ?? 0, line.at));
  }

  rows(nowMs: number, windowMs: number): LiveRow[] {
    const rows: LiveRow[] = [];
    for (const [key, list] of [...this.completions.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      const [service, idc] = key.split('|') as [ServiceName, string];
      // Older completions are never needed again.
      while (list.length > 0 && (list[0] as Completion).at < nowMs - windowMs) list.shift();
      const ok = list.filter((c) => c.ok);
      const latencies = ok.map((c) => c.latencyMs).sort((a, b) => a - b);
      const last = this.lastOk.get(key);
      rows.push({
        service,
        idc,
        writesPerSecond: (ok.length * 1000) / windowMs,
        errorsPerSecond: ((list.length - ok.length) * 1000) / windowMs,
        p99Ms: latencies.length === 0 ? null : (latencies[Math.min(latencies.length - 1, Math.ceil(latencies.length * 0.99) - 1)] as number),
        sinceLastOkMs: last === undefined ? null : nowMs - last,
      });
    }
    return rows;
  }
}
