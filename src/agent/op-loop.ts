// Issues one service's writes, or its reads, at a steady rate or as fast as
// the answers come, one at a time (a client waits for each answer, as an
// application thread does), and records each in the history. Load comes
// from several loops side by side, each with its own connection.
import type { OpKind, ServiceName } from '../core/history.js';
import type { OpFn } from '../clients/operation.js';
import { HistoryWriter, nowMs } from './history-writer.js';
import { sharedKeyName } from '../core/redis-keys.js';

export interface OpLoopOptions {
  service: ServiceName;
  kind: OpKind;
  client: string;
  idc: string;
  /** Distinguishes a restarted agent's ids from its earlier incarnation's. */
  incarnation: string;
  /** max: the next operation as soon as the last is answered. */
  perSecond: number | 'max';
  /** Size of the shared key space writes pick a key from; 0 for none. */
  keys: number;
}

export class OpLoop {
  private seq = 0;
  private running = true;
  private paused = false;
  private busy = false;
  private idleWaiters: (() => void)[] = [];
  private resumeWaiters: (() => void)[] = [];
  private done: Promise<void> | undefined;
  private readonly idPrefix: string;

  constructor(
    private readonly options: OpLoopOptions,
    private readonly history: HistoryWriter,
    private readonly perform: OpFn,
  ) {
    const { service, kind, client, incarnation } = options;
    // Unique across groups, clients and incarnations: the history is merged by id.
    this.idPrefix = `${service}${kind === 'read' ? '.q' : ''}.${client}.${incarnation}.`;
  }

  start(): void {
    this.done = this.run();
  }

  /** Operations sent so far. */
  get sent(): number {
    return this.seq;
  }

  pause(): Promise<void> {
    this.paused = true;
    return this.untilIdle();
  }

  resume(): void {
    this.paused = false;
    for (const wake of this.resumeWaiters.splice(0)) wake();
  }

  async stop(): Promise<void> {
    this.running = false;
    for (const wake of this.resumeWaiters.splice(0)) wake();
    await this.done;
  }

  private untilIdle(): Promise<void> {
    if (!this.busy) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private async run(): Promise<void> {
    const rate = this.options.perSecond;
    const interval = rate === 'max' ? 0 : 1000 / rate;
    let next = nowMs();
    while (this.running) {
      const wait = next - nowMs();
      if (wait > 0) await sleep(wait);
      if (!this.running) break;
      // A late loop does not burst to catch up: that would overload a recovering primary.
      next = Math.max(next + interval, nowMs());
      if (this.paused) {
        // An unpaced loop has no sleep of its own to turn on: it waits to be resumed.
        if (interval === 0) await new Promise<void>((resolve) => this.resumeWaiters.push(resolve));
        continue;
      }
      await this.once();
    }
  }

  private async once(): Promise<void> {
    this.busy = true;
    const { service, kind, client, idc, keys } = this.options;
    const id = `${this.idPrefix}${++this.seq}`;
    const keyIndex = kind === 'write' && keys > 0 ? Math.floor(Math.random() * keys) : undefined;
    const key = keyIndex === undefined ? undefined : sharedKeyName(keyIndex);
    this.history.write({ t: 'invoke', id, service, kind, client, idc, at: nowMs(), ...(key === undefined ? {} : { key }) });
    const result = await this.perform(key === undefined ? { id } : { id, key, keyIndex: keyIndex! });
    this.history.write({
      t: 'complete',
      id,
      at: nowMs(),
      outcome: result.outcome,
      ...(result.error ? { error: result.error.slice(0, 200) } : {}),
      ...(result.node ? { node: result.node } : {}),
      ...(result.observed !== undefined ? { observed: result.observed } : {}),
      ...(result.route ? { route: result.route } : {}),
    });
    this.busy = false;
    for (const wake of this.idleWaiters.splice(0)) wake();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
