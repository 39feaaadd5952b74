// `hadrill down`: removes every container and network that carries the run's
// label, whatever state it is in, and nothing else. An attached run first
// gives the user's containers back as it found them (attach-release.ts).
import { phase, type EventSink } from '../core/engine-events.js';
import { homeLabels, ownerLabels, type Owner } from '../core/plan/labels.js';
import type { ContainerRuntime } from '../runtime/container-runtime.js';
import { cancelHealers } from './healers.js';
import { forgetRun, listRuns, loadRunState } from './run-store.js';
import { releaseAttached } from './attach-release.js';

export interface RemovalSummary {
  containers: number;
  networks: number;
}

/** `hadrill down --run`: the run's pending healers stopped, its resources removed, its state forgotten. */
export async function downRun(runtime: ContainerRuntime, owner: Owner, emit: EventSink): Promise<RemovalSummary> {
  cancelHealers(owner.run);
  const state = loadRunState(owner.run);
  if (state?.attach) await releaseAttached(state, runtime, emit);
  const removed = await removeRun(runtime, owner, emit);
  forgetRun(owner.run);
  return removed;
}

/** `hadrill down --all`: the same for every run of this home, and for resources of runs it has no state for. */
export async function downAll(runtime: ContainerRuntime, home: string, emit: EventSink): Promise<RemovalSummary> {
  const runs = listRuns();
  for (const run of runs) cancelHealers(run);
  for (const run of runs) {
    const state = loadRunState(run);
    if (state?.attach) await releaseAttached(state, runtime, emit);
  }
  const removed = await removeAllRuns(runtime, home, emit);
  for (const run of runs) forgetRun(run);
  return removed;
}

/** Every resource of one run of one home. */
export async function removeRun(runtime: ContainerRuntime, owner: Owner, emit: EventSink): Promise<RemovalSummary> {
  return removeByLabels(runtime, ownerLabels(owner), `run ${owner.run}`, emit);
}

/** Every resource of every run of one home (`down --all`); other homes' runs are not touched. */
export async function removeAllRuns(runtime: ContainerRuntime, home: string, emit: EventSink): Promise<RemovalSummary> {
  return removeByLabels(runtime, homeLabels(home), 'every run of this HADRILL_HOME', emit);
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
