// What a datastore kind fills in for the planner: the containers of a group's
// nodes and failover machinery, and how one client reaches the group. Each
// kind lives in src/datastores/<kind>/ and imports only core; the engine and
// the CLI hand the kinds to the planner, so the planner never imports them.
import type { Dal, Group, GroupKind, GroupWorkload, Scenario, WorkloadClient } from '../scenario/scenario.js';
import type { AgentGroupConfig } from './runtime-configs.js';
import type { ContainerPlan, NodeKind, PlanInputs } from './topology-plan.js';

export interface PlanContext {
  scenario: Scenario;
  inputs: PlanInputs;
  /** Adds a container in an IDC, with the next free address there and hadrill's labels. */
  add(kind: NodeKind, node: string, idc: string, image: string, cmd: string[], extra?: Partial<ContainerPlan>): ContainerPlan;
  /** hadrill's package read-only at /opt/hadrill, and the run's `dataDir` at `target` (histories, event logs). */
  mounts(dataDir: string, target: string): string[];
  /** The city of an IDC. */
  cityOf(idc: string): string;
  /** The data access layer's router in an IDC, once planned (null before, or where there is none). */
  dalIn(idc: string): ContainerPlan | null;
}

export interface PlannedGroup {
  group: Group;
  /** The containers of the group's nodes (not its machinery). */
  nodes: readonly ContainerPlan[];
  /** Where its failover machinery announces the writer (GET with the run's token), when it does. */
  announcementUrl?: string | null;
  /** The agent's configuration for one client of the group. */
  clientConfig(client: WorkloadClient, workload: GroupWorkload): AgentGroupConfig;
}

export interface GroupPlanner {
  plan(group: Group, ctx: PlanContext): PlannedGroup;
}

export interface DalPlanner {
  plan(dal: Dal, ctx: PlanContext, groups: readonly PlannedGroup[]): void;
}

export interface Planners {
  /** By kind name. */
  groups: Readonly<Record<string, GroupPlanner>>;
  dal: DalPlanner;
}
