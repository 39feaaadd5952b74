// Writes one Redis Cluster group through ioredis's Cluster client, as a
// Redis Cluster application does: each write is one key, sent to the master
// that owns the key's slot, so the writes spread over every shard.
import { Cluster } from 'ioredis';
import { withDeadline } from '../../../clients/deadline.js';
import type { OpAttempt, OpRequest } from '../../../clients/operation.js';
import { WRITE_KEY_PREFIX } from '../../../core/redis-keys.js';
import { slotOf } from '../key-slot.js';
import { clusterOutcome } from './outcome.js';

export interface ClusterWriterOptions {
  /** Every node's address: the client learns the slot map from whichever answers first. */
  hosts: string[];
  port: number;
  /** The workload's Redis user ('' for the default user). */
  user: string;
  password: string;
  /** The writing client's name: each write key's value. */
  client: string;
  /** No write waits longer than this, whatever the client library does. */
  opTimeoutMs: number;
}

/** Between attempts to reach any node when none answers: the client never gives up, as an application's would not. */
const RECONNECT_MS = 200;
/** How often the client asks for the slot map unprompted (ioredis 5 does not by default). */
const SLOTS_REFRESH_MS = 1000;

export class ClusterWriter {
  private readonly cluster: Cluster;

  constructor(private readonly options: ClusterWriterOptions) {
    const { hosts, port, user, password, opTimeoutMs } = options;
    this.cluster = new Cluster(
      hosts.map((host) => ({ host, port })),
      {
        lazyConnect: true,
        redisOptions: { ...(user ? { username: user } : {}), password, connectTimeout: opTimeoutMs, commandTimeout: opTimeoutMs, maxRetriesPerRequest: 0 },
        // A write the client cannot send now fails at once instead of waiting in a queue for a later
        // connection, so nothing is sent after the agent recorded its outcome.
        enableOfflineQueue: false,
        clusterRetryStrategy: () => RECONNECT_MS,
        slotsRefreshTimeout: Math.min(1000, opTimeoutMs),
        // A master cut off from the majority answers CLUSTERDOWN, which (unlike MOVED) does not make the
        // client ask for the slot map again: without a periodic refresh it would keep writing to that
        // master after its replica took over.
        slotsRefreshInterval: SLOTS_REFRESH_MS,
        // ioredis retries refused commands (MOVED, ASK, TRYAGAIN) itself, which is safe: the refusing node
        // ran nothing. It would also retry after CLUSTERDOWN and after a closed connection; after a closed
        // connection the first attempt may have been applied, and a refusal of the retry would then hide
        // that. So both surface at once, and every attempt before an error is known to have been refused.
        retryDelayOnClusterDown: 0,
        retryDelayOnFailover: 0,
        // Reconnecting a node's socket would resend the commands in flight when it closed (ioredis's
        // autoResendUnfulfilledCommands); without it a lost node is found again through the slot map.
        clusterNodeRetryStrategy: null,
      },
    );
    // Connection errors surface through the write outcomes; this keeps them from crashing the agent.
    this.cluster.on('error', () => undefined);
    this.cluster.on('node error', () => undefined);
  }

  start(): void {
    if (this.cluster.status === 'wait') this.cluster.connect().catch(() => undefined);
  }

  async stop(): Promise<void> {
    this.cluster.disconnect();
  }

  /** Resolves once the client has the slot map and the cluster said it is ok (or after `ms`), so the first writes do not fail only because the client is starting. */
  ready(ms: number): Promise<void> {
    this.start();
    if (this.cluster.status === 'ready') return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      this.cluster.once('ready', done);
      const cluster = this.cluster;
      function done(): void {
        clearTimeout(timer);
        cluster.off('ready', done);
        resolve();
      }
    });
  }

  write = async ({ id, key: shared }: OpRequest): Promise<OpAttempt> => {
    // A shared key lives in another slot than the write's own key, and a cluster refuses a transaction
    // across slots (CROSSSLOT): this kind writes no shared keys, and says so rather than skip them.
    if (shared !== undefined) return { outcome: 'failed', error: 'Redis Cluster writes set one key each; shared keys are not offered for this kind' };
    const key = `${WRITE_KEY_PREFIX}${id}`;
    const slot = slotOf(key);
    if (this.cluster.status === 'end') {
      // Only stop() ends the client; nothing was sent.
      return { outcome: 'failed', error: 'cluster client ended' };
    }
    try {
      await withDeadline(this.options.opTimeoutMs, () => this.cluster.set(key, this.options.client));
      return { outcome: 'ok', ...this.owner(slot) };
    } catch (error) {
      const message = (error as Error).message ?? String(error);
      // The node that refused may be a master cut off from the majority, whose slots another node has
      // taken; CLUSTERDOWN does not tell the client to look again, so it is told here.
      if (message.startsWith('CLUSTERDOWN')) this.cluster.refreshSlotsCache();
      return { outcome: clusterOutcome(message), error: message, ...this.owner(slot) };
    }
  };

  /**
   * The slot's master in the client's slot map, which ioredis updates from
   * each MOVED reply as it follows it: after a write, the node that answered
   * it (or the one it was last sent to).
   */
  private owner(slot: number): { node?: string } {
    const key = this.cluster.slots[slot]?.[0];
    if (key === undefined) return {};
    return { node: key.slice(0, key.lastIndexOf(':')) };
  }
}
