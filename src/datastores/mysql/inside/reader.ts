// Reads from one node of a MySQL-protocol group (the client's local one), whatever its role: the
// id of this client's latest write that the node holds, which the checker
// turns into a stale-read age.
import mysql from 'mysql2/promise';
import { withDeadline } from '../../../clients/deadline.js';
import type { OpAttempt } from '../../../clients/operation.js';
import type { AgentGroupConfig } from '../../../core/plan/runtime-configs.js';

export class MysqlReader {
  private connection: mysql.Connection | null = null;

  constructor(
    private readonly config: AgentGroupConfig,
    private readonly host: string,
    private readonly client: string,
    private readonly opTimeoutMs: number,
  ) {}

  async stop(): Promise<void> {
    this.drop();
  }

  private drop(): void {
    this.connection?.destroy();
    this.connection = null;
  }

  read = async (): Promise<OpAttempt> => {
    try {
      const rows = await withDeadline(this.opTimeoutMs + 250, async () => {
        this.connection ??= await this.connect();
        const [result] = await this.connection.query({
          sql: 'SELECT id FROM last_write WHERE client = ?',
          values: [this.client],
          timeout: this.opTimeoutMs,
        });
        return result as { id: string }[];
      });
      return { outcome: 'ok', node: this.host, observed: rows[0]?.id ?? null };
    } catch (error) {
      this.drop();
      const e = error as { code?: string; message?: string };
      return { outcome: 'failed', error: `${e.code ?? ''} ${e.message ?? String(error)}`.trim(), node: this.host };
    }
  };

  private async connect(): Promise<mysql.Connection> {
    const connection = await mysql.createConnection({
      host: this.host,
      port: this.config.port,
      user: this.config.user,
      password: this.config.password,
      database: this.config.database,
      connectTimeout: this.opTimeoutMs,
    });
    connection.on('error', () => this.drop());
    return connection;
  }
}
