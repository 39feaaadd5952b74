// Short-lived administrative connections to MySQL nodes, with timeouts that
// fit failure detection (a dead node must not stall the manager).
import mysql from 'mysql2/promise';
import type { ManagerConfig } from '../../../../core/plan/runtime-configs.js';

export type ManagedNode = ManagerConfig['nodes'][number];

export class NodeAdmin {
  private readonly connections = new Map<string, mysql.Connection>();

  constructor(private readonly config: Pick<ManagerConfig, 'adminUser' | 'adminPassword' | 'connectTimeoutMs'>) {}

  /** Runs statements on a node over a kept-open connection; any error drops the connection. */
  async run<T = unknown>(node: Pick<ManagedNode, 'name' | 'host' | 'port'>, sql: string, values: unknown[] = [], timeoutMs = this.config.connectTimeoutMs): Promise<T> {
    let connection = this.connections.get(node.name);
    try {
      if (!connection) {
        connection = await mysql.createConnection({
          host: node.host,
          port: node.port,
          user: this.config.adminUser,
          password: this.config.adminPassword,
          connectTimeout: this.config.connectTimeoutMs,
        });
        connection.on('error', () => this.drop(node.name));
        this.connections.set(node.name, connection);
      }
      const [rows] = await withDeadline(connection.query({ sql, values, timeout: timeoutMs }), timeoutMs + 200);
      return rows as T;
    } catch (error) {
      this.drop(node.name);
      throw error;
    }
  }

  drop(name: string): void {
    this.connections.get(name)?.destroy();
    this.connections.delete(name);
  }
}

function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    }),
  ]);
}
