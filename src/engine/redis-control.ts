// hadrill's own access to Redis nodes and Sentinels from the host: readiness,
// roles, Sentinel's view, and the final state.
import { Redis } from 'ioredis';
import { PORTS, REDIS_MASTER_NAME } from '../core/plan/topology-plan.js';

export const WRITE_KEY_PREFIX = 'hadrill:w:';

export async function withRedis<T>(host: string, port: number, fn: (r: Redis) => Promise<T>, timeoutMs = 2000): Promise<T> {
  const redis = new Redis({ host, port, lazyConnect: true, connectTimeout: timeoutMs, commandTimeout: timeoutMs, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
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

export async function redisRole(host: string): Promise<RedisRole> {
  const info = await withRedis(host, PORTS.redis, (r) => r.info('replication'));
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
export async function sentinelView(host: string): Promise<{ master: string | null; otherSentinels: number }> {
  return withRedis(host, PORTS.sentinel, async (r) => {
    const addr = (await r.call('SENTINEL', 'get-master-addr-by-name', REDIS_MASTER_NAME)) as string[] | null;
    const masters = (await r.call('SENTINEL', 'masters')) as string[][];
    const fields = masters[0] ?? [];
    const index = fields.indexOf('num-other-sentinels');
    return { master: addr?.[0] ?? null, otherSentinels: index >= 0 ? Number(fields[index + 1]) : 0 };
  });
}

export async function readRedisIds(host: string): Promise<string[]> {
  return withRedis(
    host,
    PORTS.redis,
    async (r) => {
      const ids: string[] = [];
      let cursor = '0';
      do {
        const [next, keys] = await r.scan(cursor, 'MATCH', `${WRITE_KEY_PREFIX}*`, 'COUNT', 1000);
        cursor = next;
        for (const key of keys) ids.push(key.slice(WRITE_KEY_PREFIX.length));
      } while (cursor !== '0');
      return ids;
    },
    10_000,
  );
}
