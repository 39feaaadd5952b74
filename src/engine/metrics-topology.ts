// What metrics take from `hadrill status`: writers of single-writer groups
// (a multi-writer group names none by design), lags that could be read, and
// the faults in force.
import { describeFault } from '../core/faults.js';
import { activeFaults } from '../core/journal-model.js';
import type { TopologyReading } from '../core/metrics/hadrill-metrics.js';
import { readJournal } from './journal.js';
import type { RunStatus } from './status.js';

export function topologyReading(status: RunStatus): TopologyReading {
  return {
    writers: status.writers.filter((w) => !w.multiWriter).map((w) => ({ group: w.group, writer: w.writer?.name ?? null })),
    lags: status.nodes.flatMap((n) => (n.lagSeconds === null ? [] : [{ node: n.node, seconds: n.lagSeconds }])),
    activeFaults: status.activeFaults.map((f) => f.fault),
  };
}

/** The faults in force, from the run's journal alone, described as `hadrill status` describes them. */
export function activeFaultNames(run: string): string[] {
  return activeFaults(readJournal(run)).map((f) => describeFault(f.spec));
}
