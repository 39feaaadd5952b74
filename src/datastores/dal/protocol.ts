// What the data access layer's programs are told, say to each other and log:
// the router's and the controller's configuration, a write as an agent (or
// another router) sends it, the answer, and the events the report reads.
import type { OpAttempt } from '../../clients/operation.js';
import type { RouterCounters } from '../../core/check/dal-summary.js';
import type { WriteTarget } from '../../core/plan/runtime-configs.js';
import type { RoutingTable } from './table.js';

export interface DalZone {
  name: string;
  idc: string;
  /** The zone's router. */
  router: string;
  /** The sharded group's writable node in the zone, null when the zone homes no shard (it only routes). */
  shardedNode: { name: string; host: string; domain: number } | null;
  /** Where a read of each routed group is served in the zone: its local copy, null when the zone keeps none. */
  reads: Record<string, string | null>;
}

export interface DalConfig {
  /** The router's own zone; empty for the controller. */
  zone: string;
  shards: number;
  homes: Record<string, number[]>;
  zones: DalZone[];
  shardedGroup: string;
  /** The group of global data and where its writes go (the master zone's writer). */
  global: { group: string; write: WriteTarget } | null;
  controllerUrl: string;
  token: string;
  listenPort: number;
  eventsFile: string;
  stateFile: string;
  mysql: { port: number; user: string; password: string; database: string; adminUser: string; adminPassword: string };
  opTimeoutMs: number;
  /** How long a router trusts a routing table it fetched; after that it refuses writes. */
  leaseMs: number;
  /** How often the routers fetch the table. */
  pollMs: number;
  probe: { intervalMs: number; failureThreshold: number; connectTimeoutMs: number };
}

/** One write, as an agent sends it to its zone's router (and a router forwards it to the home's). */
export interface DalWrite {
  group: string;
  id: string;
  client: string;
  idc: string;
  /** The user the write is for: the sharded group is routed by it. */
  user: number;
  key?: string;
}

/** One read, as an agent sends it: the id of the client's latest write that the zone's copy holds. */
export interface DalRead {
  group: string;
  client: string;
}

/** The router's answer: the outcome, and how it was routed. */
export interface DalAnswer extends OpAttempt {
  route?: { zone: string; epoch: number; forwarded: boolean };
}

/** A router's counters since it started: its routing decisions and what became of them. */
export type RouterMetrics = RouterCounters;

export type DalEvent =
  | { t: 'started'; at: number; zone: string }
  | { t: 'restored'; at: number; epoch: number; lost: string[] }
  | { t: 'table'; at: number; zone: string; epoch: number; protectedShards: number[]; homes: string[] }
  /** A router tells the controller it holds an epoch once no write it let through to a now protected shard is under way. */
  | { t: 'acknowledged'; at: number; zone: string; epoch: number }
  | { t: 'metrics'; at: number; zone: string; incarnation: string; metrics: RouterMetrics }
  | { t: 'zone-down'; at: number; zone: string; failures: number; error: string }
  | { t: 'protected'; at: number; zone: string; shards: number[]; epoch: number }
  | { t: 'routers-stopped'; at: number; epoch: number; acknowledged: string[]; expired: string[]; waitedMs: number }
  | { t: 'caught-up'; at: number; node: string; from: string; position: string | null; ok: boolean; waitedMs: number }
  | { t: 'excluded'; at: number; node: string; from: string; ok: boolean; error?: string }
  | { t: 'moved'; at: number; zone: string; moves: { shard: number; to: string }[]; epoch: number; protectedMs: number }
  | { t: 'move-failed'; at: number; zone: string; error: string }
  | { t: 'fenced-returning'; at: number; zone: string; node: string; ok: boolean; error?: string };

/** What the controller remembers across a crash. */
export interface ControllerMemory {
  table: RoutingTable;
  /** Zones whose shards were moved away: their node is fenced when it returns and gets no shard back. */
  lost: string[];
}

/** The controller's answer to GET /table. */
export interface TableAnswer {
  table: RoutingTable;
}

export const ROUTER_PATHS = { write: '/write', read: '/read', table: '/table', health: '/health' } as const;
