// The run's datastore groups as the kinds' engine side sees them.
import type { EventSink } from '../core/engine-events.js';
import type { Group } from '../core/scenario/scenario.js';
import { ENGINES, groupContext } from '../datastores/engines.js';
import type { GroupContext, GroupEngine } from '../datastores/group-engine.js';
import { runDir, type RunState } from './run-store.js';

export interface LiveGroup {
  group: Group;
  engine: GroupEngine;
  ctx: GroupContext;
}

const quiet: EventSink = () => undefined;

export function liveGroups(state: RunState, emit: EventSink = quiet, signal?: AbortSignal): LiveGroup[] {
  return state.scenario.groups.map((group) => ({ group, engine: ENGINES[group.kind], ctx: groupContext(group, state.plan, state.secrets, runDir(state.run), emit, signal, state.scenario.workload.keys) }));
}

export function liveGroup(state: RunState, name: string): LiveGroup | undefined {
  return liveGroups(state).find((g) => g.group.name === name);
}
