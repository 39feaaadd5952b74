// What the processes hadrill runs inside the topology are told at start, as a
// JSON file put into their container: the workload agents, the MySQL failover
// manager, and the cold-backup machinery (supervisor, storage, standby,
// restore manager).
import type { GroupKind, WriteRate } from '../scenario/scenario.js';

/** Where a client's writes go: see WriteRoute in the scenario model. */
export type WriteTarget =
  /** Follow the failover machinery's announcement (GET url with a bearer token), starting at `initialHost`. */
  | { via: 'announcement'; url: string; token: string; initialHost: string }
  /** Ask the Sentinels for the master, as a Redis application does. */
  | { via: 'sentinel'; sentinels: { host: string; port: number }[]; masterName: string; sentinelPassword: string }
  /** One node, fixed: the group's node in the client's own IDC. */
  | { via: 'node'; host: string }
  /**
   * The proxy of the client's IDC (or the shared one, or the user's own in an
   * attached run), which finds the writer itself. `nodes`: the group's
   * addresses by server id, so the client can say which node its connection
   * through the proxy reached.
   */
  | { via: 'proxy'; host: string; proxy: string; nodes: Record<string, string> }
  /** Every node, in order: the client keeps the first that takes writes, and looks again from the first once it fails. */
  | { via: 'writable'; hosts: string[] }
  /** The data access layer in the client's IDC. */
  | { via: 'dal'; url: string; token: string }
  /** Every node of the group: the client finds the writer of each write among them itself (a cluster client following its slot map). */
  | { via: 'nodes'; hosts: string[] };

/** One group, as one client uses it. */
export interface AgentGroupConfig {
  group: string;
  kind: GroupKind;
  /** Over all of the client's connections to the group (see inFlight). */
  writesPerSecond: WriteRate;
  readsPerSecond: number;
  /** Connections writing at once, each its own client in the history (the first under the agent's name, with the reads). */
  inFlight: number;
  write: WriteTarget;
  /** The node the client reads from; null when it does not read. */
  readHost: string | null;
  port: number;
  /** MySQL and Galera: the workload user (no SUPER, so read_only fences it) and database. Redis: the password only. */
  user: string;
  password: string;
  database: string;
  /** Overrides the workload's shared key space for this group: writes routed by user pick one of `users` user keys. */
  keys?: number;
}

export interface AgentConfig {
  client: string;
  idc: string;
  historyFile: string;
  opTimeoutMs: number;
  /** How long the agent writes without a renewal of the run's lease (src/core/lease.ts). */
  ttlMs: number;
  /** Size of the shared key space every write sets a key of; 0 for none. */
  keys: number;
  /** User ids writes are made for: the data access layer shards by them. */
  users: number;
  groups: AgentGroupConfig[];
}

/** What the failover manager and the restore manager share: how they probe the writer, where they answer, log and remember. */
export interface ProbingMachineryConfig {
  /** The bearer token GET /primary and /state require. */
  token: string;
  checkIntervalMs: number;
  failureThreshold: number;
  connectTimeoutMs: number;
  listenPort: number;
  eventsFile: string;
  /** Where it keeps its memory (the writer, the epoch, fenced nodes) across restarts. */
  stateFile: string;
}

export interface ManagerConfig extends ProbingMachineryConfig {
  /** The group it manages: its events and lag samples name it. */
  group: string;
  nodes: { name: string; host: string; port: number; idc: string; city: string }[];
  initialPrimary: string;
  /** most-advanced: the replica with the most of the primary's data; same-city: one in the lost primary's city, when it is as advanced. */
  prefer: 'most-advanced' | 'same-city';
  adminUser: string;
  adminPassword: string;
  replUser: string;
  replPassword: string;
  flavor: 'mariadb' | 'mysql';
  /** Semi-sync replication: a promoted primary keeps it only while a replica can acknowledge. */
  semiSync: boolean;
}

/** What the manager (or the restore manager) answers at GET /primary. */
export interface PrimaryAnnouncement {
  name: string;
  host: string;
  port: number;
  /** Increases with every failover, so a client can tell a newer answer from an older one. */
  epoch: number;
}

/** What the manager remembers across a crash: a restarted manager must never reopen a fenced primary. */
export interface ManagerMemory {
  primary: string;
  epoch: number;
  fenced: string[];
}

/** One line of the manager's event log. */
export type ManagerEvent =
  | { t: 'started'; at: number; primary: string }
  | { t: 'restored'; at: number; primary: string; epoch: number; fenced: string[] }
  | { t: 'primary-unhealthy'; at: number; primary: string; failures: number; error: string }
  | { t: 'failure-detected'; at: number; primary: string }
  /** A planned switchover began: the primary is write-protected from here until `to` is promoted. */
  | { t: 'switchover-started'; at: number; from: string; to: string }
  | { t: 'fenced'; at: number; node: string; ok: boolean; error?: string }
  /** reason: why this candidate, in words (its city, how advanced it was against the others). */
  | { t: 'promoted'; at: number; node: string; epoch: number; gtid: string; reason?: string }
  | { t: 'repointed'; at: number; node: string; ok: boolean; error?: string }
  | { t: 'failover-failed'; at: number; error: string }
  | { t: 'fenced-returning'; at: number; node: string }
  | { t: 'semi-sync'; at: number; node: string; enabled: boolean; reason: string }
  /** A replica's lag: transactions it has not applied yet (GTID distance to the primary), and MySQL's own seconds estimate. */
  | { t: 'lag'; at: number; node: string; transactionsBehind: number | null; secondsBehind: number | null; replicating: boolean };

/** A datastore server a cold-backup process looks after: how to reach it as an administrator. */
export interface ServerAccess {
  kind: 'mysql' | 'redis';
  host: string;
  port: number;
  /** MySQL: root; Redis: unused. */
  user: string;
  password: string;
}

/**
 * The cold-backup supervisor in the writer's container: it runs the server,
 * and every `everyMs` stops it, ships its data directory to storage, and
 * starts it again.
 */
export interface BackupSupervisorConfig {
  group: string;
  /** The node it runs on: while the restore manager announces another writer, this one stays closed and takes no backups. */
  node: string;
  announcementUrl: string | null;
  server: ServerAccess;
  /** The server's own command line, run as a child. */
  serverCommand: string[];
  dataDir: string;
  everyMs: number;
  storageUrl: string;
  token: string;
  eventsFile: string;
  /** Where it answers GET /status ({ backingUp }): the restore manager asks before it takes a stopped server for a dead one. */
  listenPort: number;
}

/** Backup storage in another IDC: keeps complete uploads only. */
export interface StorageConfig {
  listenPort: number;
  dir: string;
  token: string;
  eventsFile: string;
}

/** A standby node: empty until told to restore a backup, then it runs the server on it. */
export interface StandbyConfig {
  group: string;
  server: ServerAccess;
  serverCommand: string[];
  dataDir: string;
  listenPort: number;
  token: string;
  eventsFile: string;
}

/** The restore manager of a cold-backup group: detects the writer's loss and restores the newest complete backup onto the standby. */
export interface RestoreManagerConfig extends ProbingMachineryConfig {
  group: string;
  /** statusUrl: the writer's backup supervisor, which says when the server is down for a backup. */
  primary: { name: string; statusUrl: string } & ServerAccess;
  standby: { name: string; controlUrl: string } & ServerAccess;
  storageUrl: string;
}

/** One line of the cold-backup machinery's event logs (supervisor, storage, standby, restore manager). */
export type BackupEvent =
  /** The server was stopped for a backup at `stoppedAt` (asked at `at`), shipped, and serving again at `restartedAt`. */
  | { t: 'backup'; at: number; name: string; stoppedAt: number; uploadedAt: number | null; restartedAt: number; bytes: number; error?: string }
  | { t: 'stored'; at: number; name: string; bytes: number }
  | { t: 'failure-detected'; at: number; primary: string }
  | { t: 'restore-started'; at: number; backup: string | null }
  | { t: 'promoted'; at: number; node: string; epoch: number; backup: string | null; reason?: string }
  | { t: 'restore-failed'; at: number; error: string }
  | { t: 'restored'; at: number; primary: string; epoch: number };
