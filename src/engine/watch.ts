// `hadrill watch`: follows the agents' history files as they grow and the
// topology's state, and hands a snapshot to the renderer every refresh.
import { closeSync, existsSync, openSync, readSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { HistoryLine } from '../core/history.js';
import { LiveStats, type LiveRow } from '../core/live-stats.js';
import type { RunMetrics } from '../core/metrics/hadrill-metrics.js';
import type { ContainerRuntime } from '../runtime/container-runtime.js';
import { historyDir } from './agents-control.js';
import { renewLease } from './lease.js';
import type { RunState } from './run-store.js';
import { runStatus, type RunStatus } from './status.js';
import { topologyReading } from './metrics-topology.js';

export interface WatchSnapshot {
  at: string;
  run: string;
  rows: LiveRow[];
  /** Per group, the writer its machinery names now. */
  writers: { group: string; writer: string | null }[];
  maxLagSeconds: number | null;
  activeFaults: string[];
}

/** Reads only what was appended since the last call, and never a half-written last line. */
export class HistoryTail {
  private readonly offsets = new Map<string, number>();
  private readonly partial = new Map<string, string>();

  constructor(private readonly dir: string) {}

  read(): HistoryLine[] {
    if (!existsSync(this.dir)) return [];
    const lines: HistoryLine[] = [];
    for (const file of readdirSync(this.dir).filter((f) => f.endsWith('.jsonl'))) {
      const path = join(this.dir, file);
      const size = statSync(path).size;
      const from = this.offsets.get(file) ?? 0;
      if (size <= from) continue;
      const buffer = Buffer.alloc(size - from);
      const fd = openSync(path, 'r');
      try {
        readSync(fd, buffer, 0, buffer.length, from);
      } finally {
        closeSync(fd);
      }
      this.offsets.set(file, size);
      const text = (this.partial.get(file) ?? '') + buffer.toString('utf8');
      const cut = text.lastIndexOf('\n');
      this.partial.set(file, text.slice(cut + 1));
      for (const line of text.slice(0, cut + 1).split('\n')) {
        if (!line) continue;
        try {
          lines.push(JSON.parse(line) as HistoryLine);
        } catch {
          // a damaged line is the checker's business, not the live view's
        }
      }
    }
    return lines;
  }
}

export async function* watchRun(state: RunState, runtime: ContainerRuntime, options: { intervalMs: number; windowMs: number; signal?: AbortSignal; metrics?: RunMetrics }): AsyncGenerator<WatchSnapshot> {
  const tail = new HistoryTail(historyDir(state.run));
  const stats = new LiveStats();
  let status: RunStatus | null = null;
  let statusAt = 0;
  while (!options.signal?.aborted) {
    const lines = tail.read();
    for (const line of lines) stats.add(line);
    // --metrics-listen: the same readings, folded into counters for Prometheus.
    options.metrics?.addLines(lines);
    const now = Date.now();
    // Someone is watching: the run is driven, its agents keep writing.
    renewLease(state, now);
    if (now - statusAt >= 2000) {
      const read = await runStatus(state, runtime, { probeLinks: false }).catch(() => null);
      if (read) options.metrics?.setTopology(topologyReading(read));
      status = read ?? status;
      statusAt = now;
    }
    const lags = (status?.nodes ?? []).map((n) => n.lagSeconds).filter((l): l is number => l !== null);
    yield {
      at: new Date(now).toISOString(),
      run: state.run,
      rows: stats.rows(now, options.windowMs),
      writers: (status?.writers ?? []).map((w) => ({ group: w.group, writer: w.writer?.name ?? null })),
      maxLagSeconds: lags.length > 0 ? Math.max(...lags) : null,
      activeFaults: status?.activeFaults.map((f) => f.fault) ?? [],
    };
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs));
  }
}
