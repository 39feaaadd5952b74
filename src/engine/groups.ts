// The run's datastore groups as the kinds' engine side sees them.
import type { EventSink } from '../core/engine-events.js';
import type { Group, Scenario } from '../core/scenario/scenario.js';
import { groupContext, kindNamed } from '../datastores/registry.js';
import type { GroupContext, GroupEngine } from '../datastores/host/group-engine.js';
import { runDir, type RunState } from './run-store.js';

export interface LiveGroup {
  group: Group;
  engine: GroupEngine;
  ctx: GroupContext;
}

const quiet: EventSink = () => undefined;

export function liveGroups(state: RunState, emit: EventSink = quiet, signal?: AbortSignal): LiveGroup[] {
  return state.scenario.groups.map((group) => ({ group, engine: kindNamed(group.kind).engine, ctx: groupContext(group, state.plan, state.groupSecrets?.[group.name] ?? state.secrets, runDir(state.run), emit, signal, sharedKeysOf(state.scenario, group.name)) }));
}

export function liveGroup(state: RunState, name: string): LiveGroup | undefined {
  return liveGroups(state).find((g) => g.group.name === name);
}

/** The shared keys a group's writes set: one per user for the data access layer's sharded group, the workload's key space otherwise. */
export function sharedKeysOf(scenario: Scenario, group: string): number {
  return scenario.dal?.shardedGroup === group ? scenario.workload.users : scenario.workload.keys;
}
