// What the processes hadrill runs inside the topology (workload agents and the
// MySQL failover manager) are told at start, as JSON in an environment variable.

export interface AgentConfig {
  client: string;
  idc: string;
  historyFile: string;
  opTimeoutMs: number;
  /** Size of the shared key space every write sets a key of; 0 for none. */
  keys: number;
  mysql: {
    /** The failover manager publishes the current primary here; clients follow it like they would a DNS name or a proxy. */
    managerUrl: string;
    /** Sent as a bearer token: the manager answers no one else. */
    managerToken: string;
    initialPrimary: string;
    port: number;
    user: string;
    password: string;
    database: string;
    writesPerSecond: number;
    /** The node in the client's IDC it reads from; null when it does not read. */
    readHost: string | null;
    readsPerSecond: number;
  } | null;
  redis: {
    sentinels: { host: string; port: number }[];
    masterName: string;
    password: string;
    sentinelPassword: string;
    writesPerSecond: number;
    readHost: string | null;
    readsPerSecond: number;
  } | null;
}

export interface ManagerConfig {
  nodes: { name: string; host: string; port: number; idc: string }[];
  initialPrimary: string;
  adminUser: string;
  adminPassword: string;
  replUser: string;
  replPassword: string;
  /** The bearer token GET /primary and /state require. */
  token: string;
  checkIntervalMs: number;
  failureThreshold: number;
  connectTimeoutMs: number;
  listenPort: number;
  eventsFile: string;
  /** Where the manager keeps its memory (primary, epoch, fenced nodes) across restarts. */
  stateFile: string;
  flavor: 'mariadb' | 'mysql';
  /** Semi-sync replication: a promoted primary keeps it only while a replica can acknowledge. */
  semiSync: boolean;
}

/** What the manager answers at GET /primary. */
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
  | { t: 'fenced'; at: number; node: string; ok: boolean; error?: string }
  | { t: 'promoted'; at: number; node: string; epoch: number; gtid: string }
  | { t: 'repointed'; at: number; node: string; ok: boolean; error?: string }
  | { t: 'failover-failed'; at: number; error: string }
  | { t: 'fenced-returning'; at: number; node: string }
  | { t: 'semi-sync'; at: number; node: string; enabled: boolean; reason: string }
  /** A replica's lag: transactions it has not applied yet (GTID distance to the primary), and MySQL's own seconds estimate. */
  | { t: 'lag'; at: number; node: string; transactionsBehind: number | null; secondsBehind: number | null; replicating: boolean };
