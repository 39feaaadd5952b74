// Redis and Sentinel command lines, configs and environments.
import { SECRETS_DIR } from '../../core/plan/container-files.js';
import type { Failover } from '../../core/scenario/scenario.js';

export const REDIS_CONF = `${SECRETS_DIR}/redis.conf`;
/** Where a cold-backed-up Redis keeps its RDB file (other Redis nodes keep nothing on disk). */
export const REDIS_DATA_DIR = '/var/lib/hadrill/redis';

/** Clients and replicas authenticate with one password (masterauth), so a promoted replica is reachable like its master. */
export function redisConf(password: string): string {
  return `requirepass ${password}\nmasterauth ${password}\n`;
}

/**
 * A node of a cold-backed-up group keeps its data in an RDB file, which the
 * backup ships and a restore brings back; every other node keeps nothing on
 * disk, as Sentinel-watched caches usually do.
 */
export function redisCommand(masterIp: string | null, persistent: boolean, startClosed = false, replicaPriority: number | null = null): string[] {
  return [
    'redis-server',
    REDIS_CONF,
    '--port', '6379',
    '--bind', '0.0.0.0',
    '--protected-mode', 'no',
    ...(persistent ? ['--dir', REDIS_DATA_DIR, '--dbfilename', 'dump.rdb', '--save', ''] : ['--save', '']),
    '--appendonly', 'no',
    ...(masterIp ? ['--replicaof', masterIp, '6379'] : []),
    // Redis has no read_only switch for a master: asking for a replica it does not have refuses every
    // write (NOREPLICAS) until whoever decides it is the writer sets this back to 0.
    ...(startClosed ? ['--min-replicas-to-write', '1'] : []),
    // Sentinels promote the replica with the lowest priority first (Redis's default is 100).
    ...(replicaPriority === null ? [] : ['--replica-priority', String(replicaPriority)]),
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
