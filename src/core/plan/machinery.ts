// Where every machinery process (failover manager, restore manager, backup
// supervisor, storage, standby, data access layer) keeps what outlives it:
// its event log, which the report reads, and its memory. Each is a directory
// of the run on the host, one per node, mounted at the same place in every
// container. And what the two probing managers share: how they watch the
// writer and where they answer.
import type { Probe } from '../scenario/scenario.js';
import type { PlanContext } from './group-planner.js';
import type { ProbingMachineryConfig } from './runtime-configs.js';
import { PORTS } from './topology-plan.js';

export const MACHINERY_DIR = '/var/lib/hadrill/machinery';
export const MACHINERY_EVENTS = `${MACHINERY_DIR}/events.jsonl`;
export const MACHINERY_MEMORY = `${MACHINERY_DIR}/memory.json`;

/** The bind of a machinery node's own directory of the run. */
export function machineryMount(ctx: Pick<PlanContext, 'mounts'>, node: string): string[] {
  return ctx.mounts(node, MACHINERY_DIR);
}

/** A manager's probing, answering and remembering, from the scenario's probe settings. */
export function probingMachinery(probe: Probe, token: string): ProbingMachineryConfig {
  return {
    token,
    checkIntervalMs: probe.checkIntervalMs,
    failureThreshold: probe.failureThreshold,
    connectTimeoutMs: probe.connectTimeoutMs,
    listenPort: PORTS.manager,
    eventsFile: MACHINERY_EVENTS,
    stateFile: MACHINERY_MEMORY,
  };
}
