// Writes one Redis group: to the master the Sentinels name, through ioredis's
// Sentinel support, as a Redis application does; or to the writer a cold
// backup's restore manager announces; or to one fixed node.
import { Redis, type RedisOptions } from 'ioredis';
import { AnnouncementFollower } from '../../../clients/announcement.js';
import { redisOutcome } from './outcome.js';
import type { OpAttempt, OpRequest } from '../../../clients/operation.js';
import type { AgentGroupConfig } from '../../../core/plan/runtime-configs.js';
import { LAST_WRITE_KEY_PREFIX, SHARED_KEY_PREFIX, WRITE_KEY_PREFIX } from '../../../core/redis-keys.js';
import { whenReady } from './ready.js';

/** After this many timeouts in a row the connection is presumed dead and rebuilt (through the Sentinels, when there are). */
const TIMEOUTS_BEFORE_RECONNECT = 2;

export class RedisWriter {
  private redis: Redis;
  private readonly follower: AnnouncementFollower | null;
  private timeoutsInARow = 0;

  constructor(
    private readonly config: AgentGroupConfig,
    private readonly client: string,
    private readonly opTimeoutMs: number,
  ) {
    const w = config.write;
    if (w.via === 'dal' || w.via === 'nodes') throw new Error(`group ${config.group}: Redis writes cannot go by ${w.via}`);
    this.follower = w.via === 'announcement' ? new AnnouncementFollower(w.url, w.token, w.initialHost, () => this.reconnect()) : null;
    this.redis = this.connect();
  }

  private connect(): Redis {
    const w = this.config.write;
    const common: RedisOptions = {
      ...(this.config.user ? { username: this.config.user } : {}),
      password: this.config.password,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: this.opTimeoutMs,
      connectTimeout: this.opTimeoutMs,
      retryStrategy: () => 200,
      reconnectOnError: (error) => error.message.startsWith('READONLY'),
    };
    const redis =
      w.via === 'sentinel'
        ? new Redis({ ...common, sentinels: w.sentinels, name: w.masterName, sentinelPassword: w.sentinelPassword, sentinelCommandTimeout: 1000, failoverDetector: true, sentinelRetryStrategy: () => 200 })
        : new Redis({ ...common, host: this.follower?.host ?? (w.via === 'node' ? w.host : ''), port: this.config.port });
    // Connection errors surface through the write outcomes; this keeps them from crashing the agent.
    redis.on('error', () => undefined);
    return redis;
  }

  private reconnect(): void {
    this.redis.disconnect();
    this.redis = this.connect();
  }

  start(): void {
    this.follower?.start();
  }

  async stop(): Promise<void> {
    this.follower?.stop();
    this.redis.disconnect();
  }

  /** Resolves once connected (or after `ms`), so the first writes do not fail only because the client is starting. */
  ready(ms: number): Promise<void> {
    return whenReady(this.redis, ms);
  }

  write = async ({ id, key }: OpRequest): Promise<OpAttempt> => {
    const redis = this.redis;
    const node = redis.stream?.remoteAddress;
    if (redis.status === 'end') {
      // ioredis gives up for good when a failover interrupts its Sentinel lookup; an application would
      // reconnect, and so does the agent. Nothing was sent for this write.
      redis.connect().catch(() => undefined);
      return { outcome: 'failed', error: 'client connection ended; reconnecting' };
    }
    try {
      // One transaction: the write's own key, the client's latest write (what reads ask for) and the shared key.
      const transaction = redis.multi().set(`${WRITE_KEY_PREFIX}${id}`, this.client).set(`${LAST_WRITE_KEY_PREFIX}${this.client}`, id);
      if (key !== undefined) transaction.set(`${SHARED_KEY_PREFIX}${key}`, id);
      const replies = await transaction.exec();
      this.timeoutsInARow = 0;
      // The node that answered: the stream the reply came on (a failover may have replaced the one the write began on).
      const answered = redis.stream?.remoteAddress ?? node;
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
        redis.disconnect(true);
      }
      return { outcome: redisOutcome(message), error: message, ...(node ? { node } : {}) };
    }
  };
}
