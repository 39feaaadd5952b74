// `hadrill down`: removes every container and network that carries the run's
// label, whatever state it is in, and nothing else.
import { phase, type EventSink } from '../core/engine-events.js';
import { LABEL_MANAGED, LABEL_RUN } from '../core/plan/labels.js';
import type { ContainerRuntime } from '../runtime/container-runtime.js';

export interface RemovalSummary {
  containers: number;
  networks: number;
}

export async function removeRun(runtime: ContainerRuntime, run: string, emit: EventSink): Promise<RemovalSummary> {
  return removeByLabels(runtime, { [LABEL_MANAGED]: 'true', [LABEL_RUN]: run }, `run ${run}`, emit);
}

/** Every hadrill resource of every run: for `down --all` and test clean-up. */
export async function removeAllRuns(runtime: ContainerRuntime, emit: EventSink): Promise<RemovalSummary> {
  return removeByLabels(runtime, { [LABEL_MANAGED]: 'true' }, 'every hadrill run', emit);
}

async function removeByLabels(runtime: ContainerRuntime, labels: Record<string, string>, what: string, emit: EventSink): Promise<RemovalSummary> {
  return phase(
    emit,
    'down',
    `Removing the containers and networks of ${what}`,
    async () => {
      const containers = await runtime.list(labels);
      // Removing a container also removes its network namespace, and with it any tc or iptables rule inside.
      // One at a time: the engine keeps a count of each network's endpoints, and removing many containers
      // of one network at once is what leaves that count out of step (moby/moby#42119), the network then
      // impossible to remove until dockerd restarts.
      for (const c of containers) await runtime.remove(c.name);
      const networks = await runtime.listNetworks(labels);
      for (const n of networks) await runtime.removeNetwork(n.name);
      return { containers: containers.length, networks: networks.length };
    },
    (r) => `Removed ${r.containers} containers and ${r.networks} networks of ${what}`,
  );
}
