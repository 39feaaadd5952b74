// Reads from the Redis node in the client's own IDC, whatever its role: the
// id of this client's latest write that the node holds.
import { Redis } from 'ioredis';
import type { OpAttempt } from '../../../clients/operation.js';
import { PORTS } from '../../../core/plan/topology-plan.js';
import { LAST_WRITE_KEY_PREFIX } from '../../../core/redis-keys.js';
import { whenReady } from './ready.js';

export class RedisReader {
  private readonly redis: Redis;

  constructor(private readonly host: string, login: { user: string; password: string }, private readonly client: string, opTimeoutMs: number) {
    this.redis = new Redis({
      host,
      port: PORTS.redis,
      ...(login.user ? { username: login.user } : {}),
      password: login.password,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: opTimeoutMs,
      connectTimeout: opTimeoutMs,
      retryStrategy: () => 200,
    });
    // Errors surface through the read outcomes.
    this.redis.on('error', () => undefined);
  }

  ready(ms: number): Promise<void> {
    return whenReady(this.redis, ms);
  }

  async stop(): Promise<void> {
    this.redis.disconnect();
  }

  read = async (): Promise<OpAttempt> => {
    try {
      const observed = await this.redis.get(`${LAST_WRITE_KEY_PREFIX}${this.client}`);
      return { outcome: 'ok', node: this.host, observed };
    } catch (error) {
      return { outcome: 'failed', error: (error as Error).message ?? String(error), node: this.host };
    }
  };
}
