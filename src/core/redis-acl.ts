// The workload's own Redis user. The agents used to write as the default
// user, whose password also lets a client run CONFIG, FLUSHALL, DEBUG or
// SHUTDOWN. They now log in as this user, which reaches hadrill's keys only
// (every workload key starts with `hadrill:`) and only with the commands a
// workload uses: reads, writes, MULTI/EXEC, the connection's own commands,
// and INFO (a client's ready check). Replication, Sentinel, the final read
// and hadrill's own set-up keep the default user and its password.
import { WRITE_KEY_PREFIX } from './redis-keys.js';

export const REDIS_APP_USER = 'hadrill-workload';

/** Every workload key's first part (`hadrill:`), as an ACL key pattern. */
const KEY_PATTERN = `~${WRITE_KEY_PREFIX.slice(0, WRITE_KEY_PREFIX.indexOf(':') + 1)}*`;

/**
 * The ACL rules, in order: nothing, then the categories a workload needs,
 * then back out whatever of them Redis files as dangerous (KEYS, FLUSHALL,
 * ...), then the single commands a client needs beyond them. Redis Cluster's
 * clients also ask for the slot map and follow its redirections.
 */
export function redisAppUserRules(cluster: boolean): string[] {
  return [
    'resetchannels',
    KEY_PATTERN,
    '-@all',
    '+@read',
    '+@write',
    '+@transaction',
    '+@connection',
    '-@dangerous',
    '-@admin',
    '+info',
    ...(cluster ? ['+cluster|slots', '+cluster|shards', '+cluster|nodes', '+cluster|info', '+asking', '+readonly', '+readwrite'] : []),
  ];
}

/** The `user` line of a node's redis.conf; none when the run has no workload password (a run made before it). */
export function redisAppUserLine(password: string | undefined, cluster: boolean): string {
  if (password === undefined || password === '') return '';
  return `user ${REDIS_APP_USER} on >${password} ${redisAppUserRules(cluster).join(' ')}\n`;
}

/** How an agent logs in: as the workload's user where the run has one, else (a run made before it) as the default user. */
export function workloadLogin(secrets: { redisPassword: string; redisAppPassword?: string }): { user: string; password: string } {
  return secrets.redisAppPassword ? { user: REDIS_APP_USER, password: secrets.redisAppPassword } : { user: '', password: secrets.redisPassword };
}
