// Which Docker resources a run may touch: exactly those labelled with this
// home's id and the run's name. Docker names are global on an engine, so
// before `up` creates anything it makes sure no name it needs is held by
// anyone else (another home's run of the same name, or something not
// hadrill's at all), and stops with the way out instead of adopting it.
import { HadrillError } from '../core/errors.js';
import { LABEL_HOME, LABEL_MANAGED, LABEL_RUN, ownerLabels } from '../core/plan/labels.js';
import type { TopologyPlan } from '../core/plan/topology-plan.js';
import type { ContainerInfo, ContainerRuntime } from '../runtime/container-runtime.js';

/** The labels that select every resource of the plan's run, and nothing of any other run or home. */
export function runLabels(plan: Pick<TopologyPlan, 'home' | 'run'>): Record<string, string> {
  return ownerLabels({ home: plan.home, run: plan.run });
}

export async function requireNamesFree(runtime: ContainerRuntime, plan: TopologyPlan): Promise<void> {
  const ours = (labels: Record<string, string>): boolean => labels[LABEL_HOME] === plan.home && labels[LABEL_RUN] === plan.run;
  // The user's own containers of an attached run are taken by definition: only hadrill's names must be free.
  const wanted = new Set([...plan.containers.filter((c) => !c.foreign).map((c) => c.name), ...plan.networks.map((n) => n.name)]);
  const taken = [...(await runtime.list({})), ...(await runtime.listNetworks())].filter((r) => wanted.has(r.name) && !ours(r.labels));
  const first = taken[0];
  if (!first) return;
  throw new HadrillError('usage', `The run name "${plan.run}" is taken on this Docker engine: ${taken.map((r) => r.name).slice(0, 5).join(', ')}${taken.length > 5 ? ', ...' : ''} ${taken.length === 1 ? 'belongs' : 'belong'} to ${ownerOf(first.labels)}.`, {
    hint: `hadrill touches nothing it did not create. Choose another run name with --run, e.g. \`hadrill --run ${plan.run.slice(0, 20)}-2 up FILE\` (or \`drill FILE --run ...\`).`,
  });
}

function ownerOf(labels: Record<string, string>): string {
  if (labels[LABEL_MANAGED] !== 'true') return 'something that is not hadrill\'s';
  if (labels[LABEL_HOME] === undefined) return 'a run made by an older hadrill without home labels (remove it with `docker rm -f` if it is yours)';
  return `run "${labels[LABEL_RUN] ?? '?'}" of another HADRILL_HOME (home id ${labels[LABEL_HOME]})`;
}

/**
 * The run's containers as the engine has them now: hadrill's own by their
 * labels; an attached run's nodes, the user's containers, which carry no
 * label of hadrill's, by name.
 */
export async function liveRunContainers(runtime: ContainerRuntime, state: { plan: TopologyPlan; attach?: unknown }): Promise<ContainerInfo[]> {
  if (!state.attach) return runtime.list(runLabels(state.plan));
  const names = new Set(state.plan.containers.map((c) => c.name));
  return (await runtime.list({})).filter((c) => names.has(c.name));
}
