// Redis and Sentinel command lines, configs and environments.
import { SECRETS_DIR } from '../../../core/plan/container-files.js';
import type { Failover } from '../../../core/scenario/scenario.js';
import { redisAppUserLine } from '../../../core/redis-acl.js';

export const REDIS_CONF = `${SECRETS_DIR}/redis.conf`;
/** Where a cold-backed-up Redis keeps its RDB file (other Redis nodes keep nothing on disk). */
export const REDIS_DATA_DIR = '/var/lib/hadrill/redis';

/**
 * Replicas, Sentinels and hadrill authenticate with one password (masterauth),
 * so a promoted replica is reachable like its master; the workload logs in as
 * its own user (src/core/redis-acl.ts).
 */
export function redisConf(password: string, appPassword?: string): string {
  return `requirepass ${password}\nmasterauth ${password}\n${redisAppUserLine(appPassword, false)}`;
}

export interface RedisNodeOptions {
  /** The master it starts as a replica of; null for a master. */
  masterIp: string | null;
  /** Keeps its data in an RDB file (a cold-backed-up group's node). */
  persistent: boolean;
  /** Refuses writes until told otherwise (see below). */
  startClosed?: boolean;
  /** Sentinels promote the replica with the lowest priority first (Redis's default is 100). */
  replicaPriority?: number | null;
  /**
   * Keep the configuration in a file Sentinel's CONFIG REWRITE updates
   * (hadrill's image has `hadrill-redis` for it), so a restarted node comes
   * back in the role Sentinel last gave it; otherwise the options go on
   * redis-server's command line and a restart brings back the first role,
   * as with a `command:` line in a Compose file.
   */
  keepConfig?: boolean;
}

/**
 * A node of a cold-backed-up group keeps its data in an RDB file, which the
 * backup ships and a restore brings back; every other node keeps nothing on
 * disk, as Sentinel-watched caches usually do.
 */
export function redisCommand(node: RedisNodeOptions): string[] {
  return [
    node.keepConfig ? 'hadrill-redis' : 'redis-server',
    REDIS_CONF,
    '--port', '6379',
    '--bind', '0.0.0.0',
    '--protected-mode', 'no',
    ...(node.persistent ? ['--dir', REDIS_DATA_DIR, '--dbfilename', 'dump.rdb', '--save', ''] : ['--save', '']),
    '--appendonly', 'no',
    ...(node.masterIp ? ['--replicaof', node.masterIp, '6379'] : []),
    // Redis has no read_only switch for a master: asking for a replica it does not have refuses every
    // write (NOREPLICAS) until whoever decides it is the writer sets this back to 0.
    ...(node.startClosed ? ['--min-replicas-to-write', '1'] : []),
    ...(node.replicaPriority === null || node.replicaPriority === undefined ? [] : ['--replica-priority', String(node.replicaPriority)]),
  ];
}

export function sentinelEnv(failover: Extract<Failover, { kind: 'sentinel' }>, masterName: string, masterIp: string): Record<string, string> {
  return {
    HADRILL_SENTINEL_MASTER_NAME: masterName,
    HADRILL_SENTINEL_MASTER_IP: masterIp,
    HADRILL_SENTINEL_MASTER_PORT: '6379',
    HADRILL_SENTINEL_QUORUM: String(failover.quorum),
    HADRILL_SENTINEL_DOWN_AFTER_MS: String(failover.downAfterMs),
    HADRILL_SENTINEL_FAILOVER_TIMEOUT_MS: String(failover.failoverTimeoutMs),
    // The Redis nodes' password (auth-pass), and the Sentinels' own (requirepass, also between Sentinels).
    HADRILL_SENTINEL_AUTH_PASS_FILE: `${SECRETS_DIR}/redis-password`,
    HADRILL_SENTINEL_PASSWORD_FILE: `${SECRETS_DIR}/sentinel-password`,
  };
}
