// The command line and the secret config of a Redis Cluster node: one
// redis-server in cluster mode, reachable at its own address, keeping its
// cluster state (nodes.conf) across a `docker start`.
import { SECRETS_DIR } from '../../../core/plan/container-files.js';
import { PORTS } from '../../../core/plan/topology-plan.js';
import { redisAppUserLine } from '../../../core/redis-acl.js';

/** The node's secret config: the passwords, which never go on a command line. */
export const CLUSTER_CONF = `${SECRETS_DIR}/redis.conf`;

/**
 * Where a node keeps nodes.conf (its id, its epochs, the other nodes and the
 * slots), and where a replica receives its master's snapshot during a full
 * sync. The container's writable layer survives `docker start`, so a node
 * powered back on still knows who it is and rejoins; a recreated container
 * comes back as a stranger.
 */
export const CLUSTER_DIR = '/var/lib/hadrill/redis-cluster';
export const CLUSTER_CONFIG_FILE = `${CLUSTER_DIR}/nodes.conf`;

/** Nodes talk to each other on the client port plus 10000 (Redis's fixed offset). */
export const CLUSTER_BUS_PORT = PORTS.redis + 10_000;

/**
 * Clients, and replicas towards their master, authenticate with one password
 * (masterauth), so a promoted replica is reachable like the master it
 * replaces. The cluster bus itself is not authenticated by Redis.
 */
export function clusterConf(password: string, appPassword?: string): string {
  return `requirepass ${password}\nmasterauth ${password}\n${redisAppUserLine(appPassword, true)}`;
}

export interface ClusterNodeOptions {
  /**
   * The node's own address, announced to the other nodes and to clients in
   * CLUSTER SLOTS and MOVED replies. It must be an IP literal: Redis 7.0
   * accepts nothing else here or in CLUSTER MEET.
   */
  ip: string;
  /**
   * cluster-node-timeout: how long a node may go unanswered before it is
   * suspected (PFAIL); a failover starts about this long after a master
   * dies, and a master cut off from the majority keeps taking writes about
   * this long.
   */
  nodeTimeoutMs: number;
  /**
   * cluster-require-full-coverage: with yes (Redis's default), one shard
   * without a master stops writes and reads on every shard; with no, only
   * that shard's slots fail.
   */
  requireFullCoverage: boolean;
  /**
   * Keep an append-only file (fsync every second) in the cluster directory.
   * Without it a master that restarts before its replica is promoted (a
   * crash with a quick restart, or a shard that cannot elect) comes back
   * empty, still owning its slots, and its replica then copies that empty
   * dataset: the shard loses everything. A `docker kill` keeps the host's
   * page cache, so every acknowledged write reaches the file.
   */
  appendOnly?: boolean;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/**
 * The container's command. It runs under sh only to create the cluster
 * directory, which redis-server needs and neither hadrill's image nor the
 * official ones have; `exec` then leaves redis-server as the process that
 * `docker kill` hits.
 */
export function clusterNodeCommand(node: ClusterNodeOptions): string[] {
  if (!IPV4.test(node.ip)) throw new Error(`Redis Cluster node address ${JSON.stringify(node.ip)} is not an IPv4 literal; cluster-announce-ip takes nothing else`);
  if (!Number.isInteger(node.nodeTimeoutMs) || node.nodeTimeoutMs <= 0) throw new Error(`cluster-node-timeout must be a positive number of milliseconds, not ${node.nodeTimeoutMs}`);
  const server = [
    'redis-server',
    CLUSTER_CONF,
    '--port', String(PORTS.redis),
    '--bind', '0.0.0.0',
    '--protected-mode', 'no',
    '--cluster-enabled', 'yes',
    '--cluster-config-file', CLUSTER_CONFIG_FILE,
    '--dir', CLUSTER_DIR,
    '--cluster-node-timeout', String(node.nodeTimeoutMs),
    '--cluster-announce-ip', node.ip,
    // The default (10) stops a replica from ever failing over once it has been out of touch with its master
    // for about node-timeout × 11 + 10 s: a shard whose master died after a long partition would stay down
    // for good. 0 lets a replica always try, as Redis's own config recommends for recovering from every
    // partition; the price, a promoted stale replica, is among the losses a drill is there to count.
    '--cluster-replica-validity-factor', '0',
    '--cluster-require-full-coverage', node.requireFullCoverage ? 'yes' : 'no',
    // No snapshots. Without an append-only file nothing is on disk, like hadrill's other Redis nodes,
    // and a node powered back on starts empty.
    '--save', '',
    ...(node.appendOnly ? ['--appendonly', 'yes', '--appendfsync', 'everysec'] : ['--appendonly', 'no']),
    // A replica keeps the snapshot of its last full sync as dump.rdb and would load it at its next start,
    // coming back with that old data instead of empty; removing it keeps "nothing on disk" true (Redis
    // applies it only to nodes without persistence).
    '--rdb-del-sync-files', 'yes',
  ];
  return ['sh', '-c', `mkdir -p ${CLUSTER_DIR} && exec "$@"`, 'sh', ...server];
}
