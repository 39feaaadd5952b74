// Writes to whichever MySQL node the failover manager currently announces as
// primary, the way an application behind a service-discovery name would.
import mysql from 'mysql2/promise';
import type { AgentConfig, PrimaryAnnouncement } from '../core/plan/runtime-configs.js';
import { mysqlOutcome } from './outcome-rules.js';
import type { OpAttempt, OpRequest } from './op-loop.js';

type MysqlConfig = NonNullable<AgentConfig['mysql']>;

export class MysqlWriter {
  private target: { host: string; epoch: number };
  private connection: mysql.Connection | null = null;
  private connectionHost: string | null = null;
  private poller: NodeJS.Timeout | undefined;

  constructor(
    private readonly config: MysqlConfig,
    private readonly client: string,
    private readonly idc: string,
    private readonly opTimeoutMs: number,
  ) {
    this.target = { host: config.initialPrimary, epoch: 0 };
  }

  start(): void {
    void this.refresh();
    this.poller = setInterval(() => void this.refresh(), 500);
  }

  async stop(): Promise<void> {
    clearInterval(this.poller);
    this.drop();
  }

  /** Follows the manager's announcement; keeps the last known primary when the manager cannot be reached. */
  private async refresh(): Promise<void> {
    try {
      const response = await fetch(this.config.managerUrl, { headers: { authorization: `Bearer ${this.config.managerToken}` }, signal: AbortSignal.timeout(800) });
      if (!response.ok) return;
      const announced = (await response.json()) as PrimaryAnnouncement;
      if (announced.epoch >= this.target.epoch && announced.host !== this.target.host) this.drop();
      if (announced.epoch >= this.target.epoch) this.target = { host: announced.host, epoch: announced.epoch };
    } catch {
      // The manager may be in a dead IDC; clients keep using what they know.
    }
  }

  private drop(): void {
    this.connection?.destroy();
    this.connection = null;
    this.connectionHost = null;
  }

  write = async ({ id, key }: OpRequest): Promise<OpAttempt> => {
    const host = this.target.host;
    let sent = false;
    // Once the deadline has passed the outcome is recorded; the late attempt must not send anything after that.
    let abandoned = false;
    let timer: NodeJS.Timeout | undefined;
    try {
      const attempt = (async () => {
        if (!this.connection || this.connectionHost !== host) {
          this.drop();
          this.connection = await mysql.createConnection({
            host,
            port: this.config.port,
            user: this.config.user,
            password: this.config.password,
            database: this.config.database,
            connectTimeout: this.opTimeoutMs,
          });
          this.connection.on('error', () => this.drop());
          this.connectionHost = host;
        }
        if (abandoned) throw new Error('abandoned after the deadline');
        sent = true;
        await this.connection.query({
          // A trigger makes the id the shared key's value and the client's latest write, in the same transaction.
          sql: 'INSERT INTO writes (id, client, idc, written_at, k) VALUES (?, ?, ?, ?, ?)',
          values: [id, this.client, this.idc, Date.now(), key ?? null],
          timeout: this.opTimeoutMs,
        });
      })();
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          abandoned = true;
          reject(Object.assign(new Error(`no answer within ${this.opTimeoutMs} ms`), { fatal: true }));
        }, this.opTimeoutMs + 250);
      });
      attempt.catch(() => undefined);
      await Promise.race([attempt, deadline]);
      return { outcome: 'ok', node: host };
    } catch (error) {
      const e = error as { code?: string; errno?: number; fatal?: boolean; message?: string };
      const outcome = mysqlOutcome(e, sent);
      if (outcome === 'unknown' || !sent) this.drop();
      return { outcome, error: `${e.code ?? ''} ${e.message ?? String(error)}`.trim(), node: host };
    } finally {
      clearTimeout(timer);
    }
  };
}
