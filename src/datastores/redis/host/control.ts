// hadrill's own access to Redis nodes and Sentinels from the host: readiness,
// roles, Sentinel's view, and the final state. Both ask for a password: the
// run's Redis password for the nodes, the Sentinels' own for them.
import type { Redis } from 'ioredis';
import { ioredis } from '../../../client-libraries.js';
import { PORTS, type Secrets } from '../../../core/plan/topology-plan.js';
import { SHARED_KEY_PREFIX, WRITE_KEY_PREFIX } from '../../../core/redis-keys.js';


export async function withRedis<T>(host: string, port: number, password: string, fn: (r: Redis) => Promise<T>, timeoutMs = 2000): Promise<T> {
  const redis = new (ioredis().Redis)({ host, port, password, lazyConnect: true, connectTimeout: timeoutMs, commandTimeout: timeoutMs, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return await fn(redis);
  } finally {
    redis.disconnect();
  }
}

export interface RedisRole {
  role: string;
  masterHost: string | null;
  linkUp: boolean | null;
  connectedReplicas: number;
  offset: number;
}

export async function redisRole(host: string, secrets: Secrets): Promise<RedisRole> {
  const info = await withRedis(host, PORTS.redis, secrets.redisPassword, (r) => r.info('replication'));
  const field = (name: string): string | undefined => new RegExp(`^${name}:(.*)$`, 'm').exec(info)?.[1]?.trim();
  const role = field('role') ?? 'unknown';
  return {
    role: role === 'slave' ? 'replica' : role,
    masterHost: field('master_host') ?? null,
    linkUp: field('master_link_status') === undefined ? null : field('master_link_status') === 'up',
    connectedReplicas: Number(field('connected_slaves') ?? 0),
    offset: Number(field('master_repl_offset') ?? 0),
  };
}

/** The master address a Sentinel announces, and how many other Sentinels it knows. */
export async function sentinelView(host: string, secrets: Secrets, masterName: string): Promise<{ master: string | null; otherSentinels: number }> {
  return withRedis(host, PORTS.sentinel, secrets.sentinelPassword, async (r) => {
    const addr = (await r.call('SENTINEL', 'get-master-addr-by-name', masterName)) as string[] | null;
    // A user's Sentinels may watch other masters too: only this one's fields count.
    const fields = ((await r.call('SENTINEL', 'master', masterName).catch(() => [])) as string[]) ?? [];
    const index = fields.indexOf('num-other-sentinels');
    return { master: addr?.[0] ?? null, otherSentinels: index >= 0 ? Number(fields[index + 1]) : 0 };
  });
}

/** Asks a Sentinel to fail its master over now, as if it were down (a planned switchover; Sentinel picks the replica). */
export async function sentinelFailover(host: string, secrets: Secrets, masterName: string): Promise<void> {
  await withRedis(host, PORTS.sentinel, secrets.sentinelPassword, (r) => r.call('SENTINEL', 'FAILOVER', masterName));
}

/** The write ids a node holds, and the value of each shared key. */
export async function readRedisContent(host: string, secrets: Secrets): Promise<{ ids: string[]; registers: Record<string, string> }> {
  return withRedis(
    host,
    PORTS.redis,
    secrets.redisPassword,
    async (r) => {
      const ids = (await scanKeys(r, WRITE_KEY_PREFIX)).map((key) => key.slice(WRITE_KEY_PREFIX.length));
      const shared = await scanKeys(r, SHARED_KEY_PREFIX);
      const values = shared.length === 0 ? [] : await r.mget(shared);
      const registers: Record<string, string> = {};
      shared.forEach((key, i) => {
        const value = values[i];
        if (typeof value === 'string') registers[key.slice(SHARED_KEY_PREFIX.length)] = value;
      });
      return { ids, registers };
    },
    10_000,
  );
}

async function scanKeys(r: Redis, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await r.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== '0');
  return keys;
}
