// Writes to the Redis master that the Sentinels name, through ioredis's
// Sentinel support, as a Redis application does.
import { Redis } from 'ioredis';
import type { AgentConfig } from '../core/plan/runtime-configs.js';
import { redisOutcome } from './outcome-rules.js';
import { LAST_WRITE_KEY_PREFIX, SHARED_KEY_PREFIX, WRITE_KEY_PREFIX } from '../core/redis-keys.js';
import type { OpAttempt, OpRequest } from './op-loop.js';
import { whenReady } from './redis-ready.js';

type RedisConfig = NonNullable<AgentConfig['redis']>;

/** After this many timeouts in a row the connection is presumed dead and rebuilt through the Sentinels. */
const TIMEOUTS_BEFORE_RECONNECT = 2;

export class RedisWriter {
  private readonly redis: Redis;
  private timeoutsInARow = 0;

  constructor(config: RedisConfig, private readonly client: string, opTimeoutMs: number) {
    this.redis = new Redis({
      sentinels: config.sentinels,
      name: config.masterName,
      password: config.password,
      sentinelPassword: config.sentinelPassword,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: opTimeoutMs,
      connectTimeout: opTimeoutMs,
      sentinelCommandTimeout: 1000,
      failoverDetector: true,
      retryStrategy: () => 200,
      sentinelRetryStrategy: () => 200,
      reconnectOnError: (error) => error.message.startsWith('READONLY'),
    });
    // Connection errors surface through the write outcomes; this keeps them from crashing the agent.
    this.redis.on('error', () => undefined);
  }

  async stop(): Promise<void> {
    this.redis.disconnect();
  }

  /** Resolves once connected (or after `ms`), so the first writes do not fail only because the client is starting. */
  ready(ms: number): Promise<void> {
    return whenReady(this.redis, ms);
  }

  write = async ({ id, key }: OpRequest): Promise<OpAttempt> => {
    const node = this.redis.stream?.remoteAddress;
    if (this.redis.status === 'end') {
      // ioredis gives up for good when a failover interrupts its Sentinel lookup; an application would
      // reconnect, and so does the agent. Nothing was sent for this write.
      this.redis.connect().catch(() => undefined);
      return { outcome: 'failed', error: 'client connection ended; reconnecting through the Sentinels' };
    }
    try {
      // One transaction: the write's own key, the client's latest write (what reads ask for) and the shared key.
      const transaction = this.redis.multi().set(`${WRITE_KEY_PREFIX}${id}`, this.client).set(`${LAST_WRITE_KEY_PREFIX}${this.client}`, id);
      if (key !== undefined) transaction.set(`${SHARED_KEY_PREFIX}${key}`, id);
      const replies = await transaction.exec();
      this.timeoutsInARow = 0;
      // The node that answered: the stream the reply came on (a failover may have replaced the one the write began on).
      const answered = this.redis.stream?.remoteAddress ?? node;
      // Redis does not roll a transaction back: a command that failed inside EXEC leaves the others applied.
      const failedInside = replies?.find(([error]) => error !== null)?.[0];
      if (replies === null || failedInside) {
        return { outcome: 'unknown', error: failedInside?.message ?? 'transaction aborted', ...(answered ? { node: answered } : {}) };
      }
      return { outcome: 'ok', ...(answered ? { node: answered } : {}) };
    } catch (error) {
      const message = (error as Error).message ?? String(error);
      if (message.includes('timed out') && ++this.timeoutsInARow >= TIMEOUTS_BEFORE_RECONNECT) {
        this.timeoutsInARow = 0;
        this.redis.disconnect(true);
      }
      return { outcome: redisOutcome(message), error: message, ...(node ? { node } : {}) };
    }
  };
}
