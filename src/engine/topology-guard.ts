// Notices, during a drill, that the Docker engine or someone using it took the
// run's topology away: a container removed by hand, the engine restarted (its
// containers come back stopped, the router among them, which no fault ever
// stops) or no longer answering. A drill on a topology that is not there
// any more measures nothing true, so it stops with what happened and the way
// out, in which phase it happened.
import { EngineFaultError, HadrillError } from '../core/errors.js';
import type { ContainerRuntime } from '../runtime/container-runtime.js';
import { liveRunContainers } from './ownership.js';
import type { RunState } from './run-store.js';

export async function checkTopology(runtime: ContainerRuntime, state: RunState, phase: string): Promise<void> {
  const fault = await diagnose(runtime, state, phase);
  if (fault) throw fault;
}

/** What went wrong with the topology, if anything did; `cause` is the error that made the drill look. */
export async function diagnose(runtime: ContainerRuntime, state: RunState, phase: string, cause?: unknown): Promise<EngineFaultError | null> {
  const way = `\`hadrill down --run ${state.run}\` removes what is left of the run`;
  let live;
  try {
    live = new Map((await liveRunContainers(runtime, state)).map((c) => [c.name, c.state]));
  } catch (error) {
    if (!(error instanceof HadrillError) || error.code !== 'environment') throw error;
    return new EngineFaultError(phase, `The Docker engine stopped answering during the ${phase} phase of run ${state.run}: ${error.message}`, {
      hint: `Once the engine is back, \`hadrill down --run ${state.run}\` removes what is left of the run; then run the drill again.`,
      cause: cause ?? error,
    });
  }
  const missing = state.plan.containers.filter((c) => !live.has(c.name)).map((c) => c.name);
  if (missing.length > 0) {
    return new EngineFaultError(phase, `${missing.length === 1 ? 'Container' : 'Containers'} ${missing.join(', ')} of run ${state.run} ${missing.length === 1 ? 'was' : 'were'} removed outside hadrill during the ${phase} phase.`, {
      hint: `${way}; then run the drill again, and leave its containers alone until it ends.`,
      cause,
    });
  }
  const router = state.plan.containers.find((c) => c.kind === 'router');
  const routerState = router ? live.get(router.name) : 'running';
  if (routerState !== 'running') {
    return new EngineFaultError(phase, `The router of run ${state.run} is ${routerState} during the ${phase} phase, and no fault ever stops it: the Docker engine restarted, or someone stopped it.`, {
      hint: `${way}; then run the drill again.`,
      cause,
    });
  }
  return null;
}
