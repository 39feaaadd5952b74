// Feeds a run's metrics while it runs: the agents' history files and the
// faults in force (from the journal) every second, and the rest of the
// topology's state every 2 s (without probing links, as `hadrill watch` does).
// A status reading waits for every node, and a frozen one answers only once
// thawed: the faults are read apart so a freeze shows while it lasts.
import type { RunMetrics } from '../core/metrics/hadrill-metrics.js';
import type { ContainerRuntime } from '../runtime/container-runtime.js';
import { historyDir } from './agents-control.js';
import type { RunState } from './run-store.js';
import { activeFaultNames, topologyReading } from './metrics-topology.js';
import { runStatus } from './status.js';
import { HistoryTail } from './watch.js';

const TAIL_INTERVAL_MS = 1000;
const STATUS_INTERVAL_MS = 2000;

export interface RunFollower {
  /** Stops reading the topology (it is about to be paused or removed); the histories are still read. */
  freezeTopology(): void;
  /** Reads what the histories gained last, and stops. */
  stop(): void;
}

export function followRun(state: RunState, runtime: ContainerRuntime, metrics: RunMetrics): RunFollower {
  const tail = new HistoryTail(historyDir(state.run));
  let stopped = false;
  let frozen = false;
  let reading = false;
  const readStatus = (): void => {
    // One reading at a time: a slow one (a node that lost power) must not pile up behind the next.
    if (frozen || reading) return;
    reading = true;
    void runStatus(state, runtime, { probeLinks: false })
      .then((status) => {
        // Faults from the journal, as the one-second reading takes them, so the two never disagree.
        if (!frozen) metrics.setTopology({ ...topologyReading(status), activeFaults: activeFaultNames(state.run) });
      })
      .catch(() => undefined)
      .finally(() => (reading = false));
  };
  const readTail = (): void => {
    try {
      metrics.addLines(tail.read());
      if (!frozen) metrics.setActiveFaults(activeFaultNames(state.run));
    } catch {
      // The run's directory removed under us (a teardown): what was read stays counted.
    }
  };
  readTail();
  readStatus();
  const tailTimer = setInterval(readTail, TAIL_INTERVAL_MS);
  const statusTimer = setInterval(readStatus, STATUS_INTERVAL_MS);
  return {
    freezeTopology: () => {
      frozen = true;
      clearInterval(statusTimer);
    },
    stop: () => {
      if (stopped) return;
      stopped = true;
      frozen = true;
      clearInterval(tailTimer);
      clearInterval(statusTimer);
      readTail();
      // A reading still under way is not waited for (a frozen node would hold it): being stopped, it changes nothing.
    },
  };
}
