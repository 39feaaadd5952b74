// Writes to the Redis master that the Sentinels name, through ioredis's
// Sentinel support, as a Redis application does.
import { Redis } from 'ioredis';
import type { AgentConfig } from '../core/plan/runtime-configs.js';
import { redisOutcome } from './outcome-rules.js';
import type { WriteAttempt } from './write-loop.js';

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
    if (this.redis.status === 'ready') return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.redis.once('ready', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  write = async (id: string): Promise<WriteAttempt> => {
    const node = this.redis.stream?.remoteAddress;
    if (this.redis.status === 'end') {
      // ioredis gives up for good when a failover interrupts its Sentinel lookup; an application would
      // reconnect, and so does the agent. Nothing was sent for this write.
      this.redis.connect().catch(() => undefined);
      return { outcome: 'failed', error: 'client connection ended; reconnecting through the Sentinels' };
    }
    try {
      await this.redis.set(`hadrill:w:${id}`, this.client);
      this.timeoutsInARow = 0;
      return { outcome: 'ok', ...(node ? { node } : {}) };
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
