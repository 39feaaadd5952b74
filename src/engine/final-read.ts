// The final read: each group's nodes as they are now, read by the group's
// kind, with the node its failover machinery names as the authority.
import type { FinalState, ServiceFinalState } from '../core/history.js';
import type { ContainerPlan } from '../core/plan/topology-plan.js';
import { liveGroups } from './groups.js';
import type { RunState } from './run-store.js';

export async function readFinalState(state: RunState): Promise<FinalState> {
  const services: ServiceFinalState[] = [];
  for (const { engine, ctx } of liveGroups(state)) services.push(await engine.finalRead(ctx));
  return { readAtMs: Date.now(), services };
}

export function containersOf(state: RunState, kind: ContainerPlan['kind']): ContainerPlan[] {
  return state.plan.containers.filter((c) => c.kind === kind);
}
