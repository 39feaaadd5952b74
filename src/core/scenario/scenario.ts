// The typed scenario: what a validated YAML file becomes. Durations are in ms.
//
// A scenario is a set of datastore groups placed in IDCs, each with its
// replication and its failover machinery; a workload whose clients reach each
// group by an explicit route; and a drill. Every HA tier is a composition of
// these (see scenarios/*.yaml, whose comments say how).
import type { FaultSpec } from '../faults.js';
import type { Link } from '../links.js';
import type { SloSpec } from '../check/slo.js';
import type { KindSettings } from './kind-model.js';

export interface Idc {
  name: string;
  city: string;
}

/** What a group's nodes run: the name of a registered datastore kind (src/datastores/<kind>/kind.ts). */
export type GroupKind = string;

/**
 * primary / master: takes writes. replica: follows one. standby: holds no data
 * until a backup is restored onto it (cold backup). member: a Galera node.
 */
export type NodeRole = 'primary' | 'replica' | 'master' | 'standby' | 'member';

export interface GroupNode {
  name: string;
  idc: string;
  role: NodeRole;
}

/** Checks on a writer's health: how often, after how many failures it is dead, how long a probe may take. */
export interface Probe {
  checkIntervalMs: number;
  failureThreshold: number;
  connectTimeoutMs: number;
}

/**
 * How a group survives the loss of its writer.
 * manager: hadrill's reference failover manager promotes a replica
 *   (`prefer`: the most advanced one, or one in the lost primary's city first).
 * sentinel: Redis Sentinels elect and promote a replica (`prefer`: Sentinel's
 *   own choice among equal priorities, or replicas in the master's city
 *   first: the others get a worse replica-priority, as a DR replica is set up).
 * quorum: the datastore's own membership decides (Galera's primary component,
 *   a Redis Cluster's majority of masters electing a replica); the side with a
 *   majority goes on.
 * restore: the newest complete cold backup is restored onto a standby node.
 * mha: the user's own stack: MHA's masterha_manager (Debian's mha4mysql) in
 *   its IDC pings the primary every `pingIntervalMs` and, once it is dead,
 *   applies the missing relay logs over SSH and promotes a replica; it exits
 *   after one failover, as it does in production.
 * none: nothing; a lost writer stays lost (multi-active groups need none).
 */
export type Failover =
  | ({ kind: 'manager'; name: string; idc: string; prefer: 'most-advanced' | 'same-city' } & Probe)
  | {
      kind: 'sentinel';
      sentinels: { name: string; idc: string }[];
      quorum: number;
      downAfterMs: number;
      failoverTimeoutMs: number;
      prefer: 'most-advanced' | 'same-city';
      /** The name the Sentinels monitor the master under (an attached group's own; hadrill's Sentinels use "hadrill"). */
      masterName: string;
    }
  | { kind: 'quorum' }
  | ({ kind: 'restore'; name: string; idc: string } & Probe)
  | { kind: 'mha'; name: string; idc: string; pingIntervalMs: number; pingType: 'select' | 'connect' }
  | { kind: 'none' };

/** Cold backup: the writer is stopped every `everyMs`, its data files copied to storage in another IDC, and started again. */
export interface Backup {
  everyMs: number;
  storage: { name: string; idc: string };
}

export interface Group {
  name: string;
  kind: GroupKind;
  image: string;
  nodes: GroupNode[];
  failover: Failover;
  backup: Backup | null;
  /** Whose final state its writes are judged against, as its kind decided from its settings. */
  authority: Authority;
  /** The kind's own settings (a MySQL group's replication, say): read and typed by the kind alone. */
  settings: KindSettings;
}

/**
 * How a client's writes reach a group. writer: to the node the failover
 * machinery announces (a manager's announcement, the Sentinels' master), as
 * an application behind a service name. local: to the group's node in the
 * client's own IDC (multi-active). dal: through the data access layer in the
 * client's IDC, which routes by shard. proxy: through an HAProxy that
 * health-checks every node for the one that takes writes (read_only off).
 * writable: the client tries the nodes in order and keeps the first that
 * takes writes, as multi-host connectors do. The last two need nothing from
 * the failover machinery, so any machinery fits behind them.
 */
export type WriteRoute = 'writer' | 'local' | 'dal' | 'proxy' | 'writable';

/**
 * The HAProxy of a group's proxy route: one in each IDC its clients write
 * from (`idc` null), or one shared by all in `idc`. It checks every node
 * every `checkIntervalMs`; `fall` failed checks mark a node down, `rise`
 * good ones up again.
 */
export interface ProxyRoute {
  idc: string | null;
  checkIntervalMs: number;
  fall: number;
  rise: number;
}
/** A steady rate, or as fast as the answers come. */
export type WriteRate = number | 'max';

/** Whether a workload sends writes at all. */
export function sendsWrites(rate: WriteRate): boolean {
  return rate === 'max' || rate > 0;
}

/** local: the group's node in the client's IDC. writer: wherever writes go. none: no reads. */
export type ReadRoute = 'local' | 'writer' | 'none';

export interface WorkloadClient {
  name: string;
  idc: string;
}

/** What the clients do with one group. */
export interface GroupWorkload {
  group: string;
  /** Each client's writes a second to this group, spread over its `inFlight` connections; max: each connection sends its next write as soon as the last is answered. */
  writesPerSecond: WriteRate;
  readsPerSecond: number;
  /** Writes each client keeps in flight on this group, each connection one at a time (1: one application thread). */
  inFlight: number;
  writes: WriteRoute;
  /** The proxies of the proxy route (null for other routes). */
  proxy: ProxyRoute | null;
  reads: ReadRoute;
  /** The IDCs whose clients use this group. */
  from: string[];
}

export interface Workload {
  clients: WorkloadClient[];
  groups: GroupWorkload[];
  /** Shared keys: every write also sets one of this many keys, so writes from different IDCs can conflict (0: none). */
  keys: number;
  /** User ids a write is made for; the data access layer shards by them. */
  users: number;
  opTimeoutMs: number;
  /** How long the agents write when nobody drives the run (src/core/lease.ts). */
  ttlMs: number;
}

/**
 * The data access layer: a router in every zone that sends each operation
 * to its shard's home (a user's shard is `user mod shards`) and global data
 * to the global group's writer; a controller moves homes under write
 * protection when a zone is lost.
 */
export interface Dal {
  zones: { name: string; idc: string }[];
  shards: number;
  /** Zone name -> the shards homed there. */
  homes: Record<string, number[]>;
  controller: { name: string; idc: string };
  /** The multi-active group whose primaries hold the sharded data, one per zone. */
  shardedGroup: string;
  /** The group holding global data, written only in its writer's zone; null when there is none. */
  globalGroup: string | null;
}

export interface TimelineFault {
  atMs: number;
  spec: FaultSpec;
  /** Heals itself this long after it took effect; otherwise it lasts until the drill heals everything. */
  durationMs?: number;
}

export interface NetworkSettings {
  /** Round-trip latency of a link between two IDCs of one city, unless `links` names it. */
  sameCityLatencyMs: number;
  crossCityLatencyMs: number;
  links: Link[];
}

export interface DrillPlan {
  steadyMs: number;
  timeline: TimelineFault[];
  recoveryMs: number;
  settleMs: number;
  rtoWindowMs: number;
}

/** Upper bounds on a group's measurements: the same type the SLO evaluator takes. */
export type SloBounds = SloSpec;

/** Bounds for every group, and per group (by name) over those. */
export interface Slo extends SloBounds {
  groups: Record<string, SloBounds>;
}

/**
 * One container that already runs, which an attached scenario drills: by its
 * name, by the Compose project and service that made it, or by labels that
 * it alone carries (all of them).
 */
export type ContainerSelector =
  | { name: string }
  | { compose: { project: string; service: string; number: number } }
  | { labels: Record<string, string> };

/** Where a credential is read at `up`: an environment variable, or a file. It is never written in the scenario. */
export type SecretSource = { env: string } | { file: string };

/** How hadrill reaches an attached group as an administrator, and its Sentinels. */
export interface AttachCredentials {
  /** MySQL: the administrator (root unless named); unused for Redis. */
  user: string;
  /** MySQL: required; Redis: its requirepass, when it has one. */
  password: SecretSource | null;
  /** The Sentinels' own requirepass, when they have one. */
  sentinelPassword: SecretSource | null;
}

/**
 * A scenario that drills containers hadrill did not create: every node (and
 * Sentinel) names its container, and each group how hadrill reads it.
 * hadrill adds only its workload agents, and its faults touch only these.
 */
export interface AttachSpec {
  /** By node (or Sentinel) name. */
  containers: Record<string, ContainerSelector>;
  /** By group name. */
  credentials: Record<string, AttachCredentials>;
}

export interface Scenario {
  name: string;
  tier: string;
  description: string;
  /** The file it was read from, for messages and reports; null when built in code. */
  file: string | null;
  idcs: Idc[];
  network: NetworkSettings;
  groups: Group[];
  dal: Dal | null;
  workload: Workload;
  drill: DrillPlan;
  slo: Slo;
  /** Set when the scenario drills containers that already run instead of building its own (see AttachSpec). */
  attach?: AttachSpec | null;
}

/** The image name that means "hadrill's own image, built by `hadrill images build`". */
export const OWN_IMAGE = 'hadrill';

/**
 * Whose final state the group's writes are judged against. writer: the one
 * node the failover machinery names. converged: every writable node, which
 * should all hold the same data once replication caught up. sharded: each
 * in-service node holds its own part (a shard), and is judged for it alone.
 */
export type Authority = 'writer' | 'converged' | 'sharded';

export function authorityOf(group: Group): Authority {
  return group.authority;
}

/** One writer at a time by design: two nodes taking writes at once is a split brain. */
export function isSingleWriter(group: Group): boolean {
  return authorityOf(group) === 'writer';
}

/** The node a group starts with as its writer (null for multi-writer groups). */
export function initialWriter(group: Group): GroupNode | null {
  if (!isSingleWriter(group)) return null;
  return group.nodes.find((n) => n.role === 'primary' || n.role === 'master') ?? null;
}

export function groupNamed(scenario: Pick<Scenario, 'groups'>, name: string): Group | undefined {
  return scenario.groups.find((g) => g.name === name);
}
