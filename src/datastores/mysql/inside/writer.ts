// Writes one MySQL-protocol group (MariaDB/MySQL replication, Galera): to the
// writer the failover machinery announces, the way an application behind a
// service-discovery name would, or to one fixed node (the client's local one
// in a multi-active group).
import mysql from 'mysql2/promise';
import { AnnouncementFollower } from '../../../clients/announcement.js';
import { mysqlOutcome } from './outcome.js';
import type { OpAttempt, OpRequest } from '../../../clients/operation.js';
import type { AgentGroupConfig } from '../../../core/plan/runtime-configs.js';

export class MysqlWriter {
  private readonly follower: AnnouncementFollower | null;
  private readonly fixedHost: string;
  private connection: mysql.Connection | null = null;
  private connectionHost: string | null = null;

  constructor(
    private readonly config: AgentGroupConfig,
    private readonly client: string,
    private readonly idc: string,
    private readonly opTimeoutMs: number,
  ) {
    const w = config.write;
    if (w.via === 'sentinel' || w.via === 'dal' || w.via === 'nodes') throw new Error(`group ${config.group}: MySQL writes ${w.via === 'dal' ? 'through the data access layer go by its DalWriter' : `cannot go by ${w.via}`}`);
    this.fixedHost = w.via === 'node' ? w.host : w.initialHost;
    this.follower = w.via === 'announcement' ? new AnnouncementFollower(w.url, w.token, w.initialHost, () => this.drop()) : null;
  }

  start(): void {
    this.follower?.start();
  }

  async stop(): Promise<void> {
    this.follower?.stop();
    this.drop();
  }

  private drop(): void {
    this.connection?.destroy();
    this.connection = null;
    this.connectionHost = null;
  }

  write = async ({ id, key }: OpRequest): Promise<OpAttempt> => {
    const host = this.follower?.host ?? this.fixedHost;
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
