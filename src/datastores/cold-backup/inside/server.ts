// The datastore server a cold-backup program looks after, MySQL or Redis:
// run it as a child, tell when it answers, open it for writes, stop it
// cleanly (everything acknowledged is on disk when the process exits).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import mysql from 'mysql2/promise';
import { Redis } from 'ioredis';
import type { ServerAccess } from '../../../core/plan/runtime-configs.js';
import { sleep } from '../../inside/program-support.js';

export class ManagedServer {
  private child: ChildProcess | null = null;
  private stopping = false;

  constructor(
    private readonly access: ServerAccess,
    private readonly command: string[],
    private readonly dataDir: string,
  ) {}

  /** Starts the server; `onUnexpectedExit` runs if it dies when nobody stopped it. */
  start(onUnexpectedExit: (code: number | null) => void): void {
    mkdirSync(this.dataDir, { recursive: true });
    this.stopping = false;
    const child = spawn(this.command[0]!, this.command.slice(1), { stdio: 'inherit' });
    child.on('exit', (code) => {
      if (this.child === child) this.child = null;
      if (!this.stopping) onUnexpectedExit(code);
    });
    this.child = child;
  }

  get running(): boolean {
    return this.child !== null;
  }

  /** One trivial query within the timeout. */
  async probe(timeoutMs: number): Promise<void> {
    if (this.access.kind === 'mysql') {
      const c = await mysql.createConnection({ host: this.access.host, port: this.access.port, user: this.access.user, password: this.access.password, connectTimeout: timeoutMs });
      try {
        await c.query({ sql: 'SELECT 1', timeout: timeoutMs });
      } finally {
        c.destroy();
      }
      return;
    }
    await withRedis(this.access, timeoutMs, (r) => r.ping());
  }

  async waitReady(timeoutMs: number): Promise<void> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      try {
        await this.probe(1000);
        return;
      } catch (error) {
        if (Date.now() > end) throw new Error(`${this.access.kind} at ${this.access.host} did not answer within ${timeoutMs} ms: ${(error as Error).message}`);
        await sleep(200);
      }
    }
  }

  /** Nodes start closed (a returning node must not take writes unasked): MySQL read-only, Redis asking for a replica it lacks. */
  async open(): Promise<void> {
    if (this.access.kind !== 'mysql') {
      await withRedis(this.access, 2000, (r) => r.config('SET', 'min-replicas-to-write', '0'));
      return;
    }
    const c = await mysql.createConnection({ host: this.access.host, port: this.access.port, user: this.access.user, password: this.access.password, connectTimeout: 2000 });
    try {
      await c.query('SET GLOBAL read_only = 0');
    } finally {
      c.destroy();
    }
  }

  /** A clean stop: MySQL's SHUTDOWN flushes InnoDB, Redis's SHUTDOWN SAVE writes its RDB file; then the process is gone. */
  async shutdown(timeoutMs: number): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.stopping = true;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    try {
      if (this.access.kind === 'mysql') {
        const c = await mysql.createConnection({ host: this.access.host, port: this.access.port, user: this.access.user, password: this.access.password, connectTimeout: 2000 });
        await c.query('SHUTDOWN').finally(() => c.destroy());
      } else {
        await withRedis(this.access, timeoutMs, (r) => r.call('SHUTDOWN', 'SAVE')).catch(() => undefined);
      }
    } catch {
      child.kill('SIGTERM');
    }
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    await exited;
    clearTimeout(timer);
  }

  kill(): void {
    this.stopping = true;
    this.child?.kill('SIGKILL');
  }
}

async function withRedis<T>(access: ServerAccess, timeoutMs: number, fn: (r: Redis) => Promise<T>): Promise<T> {
  const r = new Redis({ host: access.host, port: access.port, password: access.password, lazyConnect: true, connectTimeout: timeoutMs, commandTimeout: timeoutMs, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  r.on('error', () => undefined);
  try {
    await r.connect();
    return await fn(r);
  } finally {
    r.disconnect();
  }
}
