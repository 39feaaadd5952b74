// The typed scenario: what a validated YAML file becomes. Durations are in ms.
import type { FaultSpec } from '../faults.js';
import type { Link } from '../links.js';
import type { SloSpec } from '../check/slo.js';

export interface Idc {
  name: string;
  city: string;
}

export type MysqlReplication = 'async' | 'semi-sync';

export interface MysqlNode {
  name: string;
  idc: string;
  role: 'primary' | 'replica';
}

export interface MysqlManager {
  idc: string;
  checkIntervalMs: number;
  failureThreshold: number;
  connectTimeoutMs: number;
}

export interface MysqlService {
  image: string;
  flavor: 'mariadb' | 'mysql';
  replication: MysqlReplication;
  semiSyncTimeoutMs: number;
  nodes: MysqlNode[];
  manager: MysqlManager;
}

export interface RedisNode {
  name: string;
  idc: string;
  role: 'master' | 'replica';
}

export interface RedisService {
  image: string;
  nodes: RedisNode[];
  sentinels: { name: string; idc: string }[];
  quorum: number;
  downAfterMs: number;
  failoverTimeoutMs: number;
}

export interface WorkloadClient {
  name: string;
  idc: string;
}

export interface Workload {
  clients: WorkloadClient[];
  mysqlWritesPerSecond: number;
  redisWritesPerSecond: number;
  /** Reads per second each client sends to the service's node in its own IDC (0: none). */
  mysqlReadsPerSecond: number;
  redisReadsPerSecond: number;
  /** Shared keys: every write also sets one of this many keys, so writes from different IDCs can conflict (0: none). */
  keys: number;
  opTimeoutMs: number;
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

/** Upper bounds on a service's measurements: the same type the SLO evaluator takes. */
export type SloBounds = SloSpec;

/** Bounds for every service, and per service over those. */
export interface Slo extends SloBounds {
  mysql?: SloBounds;
  redis?: SloBounds;
}

export interface Scenario {
  name: string;
  tier: string;
  description: string;
  /** The file it was read from, for messages and reports; null when built in code. */
  file: string | null;
  idcs: Idc[];
  network: NetworkSettings;
  mysql: MysqlService | null;
  redis: RedisService | null;
  workload: Workload;
  drill: DrillPlan;
  slo: Slo;
}

/** The image name that means "hadrill's own image, built by `hadrill images build`". */
export const OWN_IMAGE = 'hadrill';
