// Writes one MySQL-protocol group (MariaDB/MySQL replication, Galera): to the
// writer the failover machinery announces, the way an application behind a
// service-discovery name would; to one fixed node (the client's local one
// in a multi-active group) or proxy; or, on the writable route, to the first
// node in order that says it takes writes, as a multi-host connector does.
import mysql from 'mysql2/promise';
import { AnnouncementFollower } from '../../../clients/announcement.js';
import { WritableFinder } from './writable-finder.js';
import { mysqlOutcome } from './outcome.js';
import type { OpAttempt, OpRequest } from '../../../clients/operation.js';
import type { AgentGroupConfig } from '../../../core/plan/runtime-configs.js';

export class MysqlWriter {
  private readonly follower: AnnouncementFollower | null;
  private readonly finder: WritableFinder | null;
  private readonly fixedHost: string;
  private connection: mysql.Connection | null = null;
  private connectionHost: string | null = null;
  /** Through a proxy: the node this connection reached, as its server id says. */
  private reached: string | null = null;

  constructor(
    private readonly config: AgentGroupConfig,
    private readonly client: string,
    private readonly idc: string,
    private readonly opTimeoutMs: number,
  ) {
    const w = config.write;
    if (w.via === 'sentinel' || w.via === 'dal' || w.via === 'nodes') throw new Error(`group ${config.group}: MySQL writes ${w.via === 'dal' ? 'through the data access layer go by its DalWriter' : `cannot go by ${w.via}`}`);
    this.fixedHost = w.via === 'node' || w.via === 'proxy' ? w.host : w.via === 'writable' ? (w.hosts[0] ?? '') : w.initialHost;
    this.follower = w.via === 'announcement' ? new AnnouncementFollower(w.url, w.token, w.initialHost, () => this.drop()) : null;
    this.finder = w.via === 'writable' ? new WritableFinder(w.hosts, (host, timeoutMs) => this.open(host, timeoutMs), opTimeoutMs) : null;
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
    this.reached = null;
  }

  private open(host: string, connectTimeoutMs = this.opTimeoutMs): Promise<mysql.Connection> {
    return mysql.createConnection({
      host,
      port: this.config.port,
      user: this.config.user,
      password: this.config.password,
      database: this.config.database,
      connectTimeout: connectTimeoutMs,
    });
  }

  /** A proxy holds a client's connection to one node for its life: which one, by the server id it answers with. */
  private async nodeBehind(connection: mysql.Connection, nodes: Readonly<Record<string, string>>): Promise<string | null> {
    const [rows] = await connection.query({ sql: 'SELECT @@server_id AS id', timeout: this.opTimeoutMs });
    return nodes[String((rows as { id: number }[])[0]?.id)] ?? null;
  }

  write = async ({ id, key }: OpRequest): Promise<OpAttempt> => {
    const w = this.config.write;
    let host = this.follower?.host ?? this.finder?.current ?? this.fixedHost;
    let sent = false;
    // Once the deadline has passed the outcome is recorded; the late attempt must not send anything after that.
    let abandoned = false;
    let timer: NodeJS.Timeout | undefined;
    try {
      const attempt = (async () => {
        if (!this.connection || this.connectionHost !== host) {
          this.drop();
          if (this.finder) {
            const found = await this.finder.find(() => abandoned);
            host = found.host;
            this.connection = found.connection;
          } else {
            this.connection = await this.open(host);
          }
          this.connection.on('error', () => this.drop());
          this.connectionHost = host;
          if (w.via === 'proxy') this.reached = await this.nodeBehind(this.connection, w.nodes);
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
      return { outcome: 'ok', node: this.reached ?? host };
    } catch (error) {
      const e = error as { code?: string; errno?: number; fatal?: boolean; message?: string };
      const outcome = mysqlOutcome(e, sent);
      // On the writable route any failure sends the next write looking again from the first node.
      if (outcome === 'unknown' || !sent || this.finder) this.drop();
      return { outcome, error: `${e.code ?? ''} ${e.message ?? String(error)}`.trim(), node: this.reached ?? host };
    } finally {
      clearTimeout(timer);
    }
  };
}
