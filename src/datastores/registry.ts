// Every datastore kind hadrill knows, in one list: the one place that names
// them. Everything outside the kinds' folders asks this registry (the parser
// its models, the planner its planners, the engine its engines, the image its
// packages, the reports their families). Adding a kind is adding its folder
// and one line here.
import type { Dal, Group } from '../core/scenario/scenario.js';
import type { KindCatalog } from '../core/scenario/kind-model.js';
import type { ContainerPlan, Secrets, TopologyPlan } from '../core/plan/topology-plan.js';
import type { Planners } from '../core/plan/group-planner.js';
import type { ReportFamily } from '../core/report/report-family.js';
import type { EventSink } from '../core/engine-events.js';
import type { DatastoreKind } from './kind.js';
import type { GroupContext } from './host/group-engine.js';
import { dalPlanner } from './dal/plan/plan.js';
import { galeraKind } from './galera/kind.js';
import { mysqlKind } from './mysql/kind.js';
import { redisKind } from './redis/kind.js';
import { redisClusterKind } from './redis-cluster/kind.js';

export const KINDS = [mysqlKind, galeraKind, redisKind, redisClusterKind] as const;

/** The name of every registered kind: the agent's client registry must have each. */
export type KindName = (typeof KINDS)[number]['name'];

const BY_NAME: ReadonlyMap<string, DatastoreKind> = new Map(KINDS.map((k) => [k.name, k]));

export function kindNamed(name: string): DatastoreKind {
  const kind = BY_NAME.get(name);
  if (!kind) throw new Error(`no datastore kind "${name}" is registered; known: ${[...BY_NAME.keys()].join(', ')}`);
  return kind;
}

/** What the scenario parser knows of every kind. */
export const KIND_MODELS: KindCatalog = new Map(KINDS.map((k) => [k.name, k.model]));

/** Every kind's planner, and the data access layer's, for the topology planner. */
export const PLANNERS: Planners = {
  groups: Object.fromEntries(KINDS.map((k) => [k.name, k.planner])),
  dal: dalPlanner,
};

/** How the reports show the kinds of these groups, by kind name (what a report records). */
export function familiesOf(groups: readonly Group[]): Record<string, ReportFamily> {
  return Object.fromEntries(groups.map((g) => [g.kind, kindNamed(g.kind).report]));
}

/** Whether a container is a datastore node (its kind is a datastore kind), rather than machinery, an agent or the router. */
export function isDatastoreNode(container: Pick<ContainerPlan, 'kind'>): boolean {
  return BY_NAME.has(container.kind);
}

/** The Debian packages every kind needs in hadrill's image, in registry order, each once. */
export function kindPackages(): string[] {
  return [...new Set(KINDS.flatMap((k) => k.imagePackages))];
}

export function groupContext(group: Group, plan: TopologyPlan, secrets: Secrets, runDir: string, emit: EventSink, signal?: AbortSignal, sharedKeys = 0): GroupContext {
  const own = plan.containers.filter((c) => c.group === group.name);
  return {
    group,
    nodes: own.filter(isDatastoreNode),
    machinery: own.filter((c) => !isDatastoreNode(c)),
    secrets,
    runDir,
    emit,
    sharedKeys,
    ...(signal ? { signal } : {}),
  };
}

/** What keeps the scenario from being drilled yet, or null. */
export function missingMachinery(groups: readonly Group[], dal: Dal | null): string | null {
  const missing = groups.map((g) => kindNamed(g.kind).engine.missing(g)).filter((m): m is string => m !== null);
  const sharded = groups.find((g) => g.name === dal?.shardedGroup);
  if (sharded && !kindNamed(sharded.kind).holdsDalShards(sharded)) missing.push(`the data access layer moves shards of MariaDB replication groups only; group "${sharded.name}" is not one`);
  return missing.length === 0 ? null : missing.join('; ');
}
