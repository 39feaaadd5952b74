// Giving an attached run's containers back as hadrill found them, before its
// own containers are removed: every fault still in force healed (a container
// whose power was cut started again with its own configuration, a frozen one
// unpaused, cuts removed), then what the workload added to the user's
// datastores dropped. A step that fails is said, and the rest still runs.
import { phase, type EventSink } from '../core/engine-events.js';
import { errorMessage } from '../core/errors.js';
import type { ContainerRuntime } from '../runtime/container-runtime.js';
import { healFaults } from './faults.js';
import { liveGroups } from './groups.js';
import type { RunState } from './run-store.js';

export async function releaseAttached(state: RunState, runtime: ContainerRuntime, emit: EventSink): Promise<void> {
  await phase(emit, 'release', `Giving back the containers run ${state.run} attached to`, async () => {
    try {
      await healFaults(state, runtime);
    } catch (error) {
      emit({ type: 'warn', text: `some faults on your containers could not be healed: ${errorMessage(error)}` });
    }
    const live = new Map((await runtime.list({})).map((c) => [c.name, c.state]));
    // Only hadrill pauses the user's containers (a freeze): one still paused lost its heal's journal line in a crash.
    for (const c of state.plan.containers.filter((p) => p.foreign && live.get(p.name) === 'paused')) await runtime.unpause(c.name).catch(() => undefined);
    // The agents stop writing before their writes are removed.
    for (const c of state.plan.containers.filter((p) => !p.foreign && live.get(p.name) === 'running')) await runtime.kill(c.name).catch(() => undefined);
    for (const { engine, ctx, group } of liveGroups(state, emit)) {
      if (!engine.releaseAttached) continue;
      try {
        emit({ type: 'info', text: await engine.releaseAttached(ctx) });
      } catch (error) {
        emit({ type: 'warn', text: `${group.name}: could not remove what hadrill's workload added: ${errorMessage(error)}` });
      }
    }
  });
}
