// Every datastore kind's engine side, and the group context the engine hands
// them: the group's own containers, split into nodes and machinery.
import type { Dal, GroupKind, Group } from '../core/scenario/scenario.js';
import type { ContainerPlan, TopologyPlan, Secrets } from '../core/plan/topology-plan.js';
import type { EventSink } from '../core/engine-events.js';
import type { GroupContext, GroupEngine } from './host/group-engine.js';
import { galeraEngine } from './galera/host/engine.js';
import { mysqlEngine } from './mysql/host/engine.js';
import { redisEngine } from './redis/host/engine.js';

export const ENGINES: Record<GroupKind, GroupEngine> = { mysql: mysqlEngine, galera: galeraEngine, redis: redisEngine };

const NODE_KINDS: ReadonlySet<ContainerPlan['kind']> = new Set(['mysql', 'galera', 'redis']);

export function groupContext(group: Group, plan: TopologyPlan, secrets: Secrets, runDir: string, emit: EventSink, signal?: AbortSignal, sharedKeys = 0): GroupContext {
  const own = plan.containers.filter((c) => c.group === group.name);
  return {
    group,
    nodes: own.filter((c) => NODE_KINDS.has(c.kind)),
    machinery: own.filter((c) => !NODE_KINDS.has(c.kind)),
    secrets,
    runDir,
    emit,
    sharedKeys,
    ...(signal ? { signal } : {}),
  };
}

/** What keeps the scenario from being drilled yet, or null. */
export function missingMachinery(groups: readonly Group[], dal: Dal | null): string | null {
  const missing = groups.map((g) => ENGINES[g.kind].missing(g)).filter((m): m is string => m !== null);
  const sharded = groups.find((g) => g.name === dal?.shardedGroup);
  // The controller waits on MariaDB's GTID domains and multi-source connections when it moves shards.
  if (sharded && (sharded.kind !== 'mysql' || sharded.flavor !== 'mariadb')) missing.push(`the data access layer moves shards of MariaDB groups only; group "${sharded.name}" is not one`);
  return missing.length === 0 ? null : missing.join('; ');
}
