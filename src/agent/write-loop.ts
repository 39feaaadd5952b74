// Issues one service's writes at a steady rate, one at a time (a client waits
// for each answer, as an application thread does), and records each.
import type { Outcome, ServiceName } from '../core/history.js';
import { HistoryWriter, nowMs } from './history-writer.js';

export interface WriteAttempt {
  outcome: Outcome;
  error?: string;
  node?: string;
}

/** Sends one write with the given unique id; never throws. */
export type WriteFn = (id: string) => Promise<WriteAttempt>;

export class WriteLoop {
  private seq = 0;
  private running = true;
  private paused = false;
  private busy = false;
  private idleWaiters: (() => void)[] = [];
  private done: Promise<void> | undefined;

  constructor(
    private readonly service: ServiceName,
    private readonly client: string,
    private readonly idc: string,
    private readonly incarnation: string,
    private readonly writesPerSecond: number,
    private readonly history: HistoryWriter,
    private readonly write: WriteFn,
  ) {}

  start(): void {
    this.done = this.run();
  }

  pause(): Promise<void> {
    this.paused = true;
    return this.untilIdle();
  }

  resume(): void {
    this.paused = false;
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.done;
  }

  private untilIdle(): Promise<void> {
    if (!this.busy) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private async run(): Promise<void> {
    const interval = 1000 / this.writesPerSecond;
    let next = nowMs();
    while (this.running) {
      const wait = next - nowMs();
      if (wait > 0) await sleep(wait);
      if (!this.running) break;
      // A late loop does not burst to catch up: that would overload a recovering primary.
      next = Math.max(next + interval, nowMs());
      if (this.paused) continue;
      await this.once();
    }
  }

  private async once(): Promise<void> {
    this.busy = true;
    const id = `${this.service === 'mysql' ? 'm' : 'r'}.${this.client}.${this.incarnation}.${++this.seq}`;
    this.history.write({ t: 'invoke', id, service: this.service, kind: 'write', client: this.client, idc: this.idc, at: nowMs() });
    const result = await this.write(id);
    this.history.write({
      t: 'complete',
      id,
      at: nowMs(),
      outcome: result.outcome,
      ...(result.error ? { error: result.error.slice(0, 200) } : {}),
      ...(result.node ? { node: result.node } : {}),
    });
    this.busy = false;
    for (const wake of this.idleWaiters.splice(0)) wake();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
