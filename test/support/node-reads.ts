// Ground truth for end-to-end tests: what a node holds, read here directly
// with the run's secrets, never through hadrill's own final read.
import mysql from 'mysql2/promise';
import { Redis } from 'ioredis';

export async function mysqlIds(host: string, password: string): Promise<Set<string>> {
  const c = await mysql.createConnection({ host, user: 'root', password, connectTimeout: 5000 });
  try {
    const [rows] = await c.query({ sql: 'SELECT id FROM hadrill.writes', rowsAsArray: true });
    return new Set((rows as [string][]).map((r) => r[0]));
  } finally {
    c.destroy();
  }
}

export async function mysqlRegisters(host: string, password: string): Promise<Record<string, string>> {
  const c = await mysql.createConnection({ host, user: 'root', password, connectTimeout: 5000 });
  try {
    const [rows] = await c.query({ sql: 'SELECT k, id FROM hadrill.registers', rowsAsArray: true });
    return Object.fromEntries(rows as [string, string][]);
  } finally {
    c.destroy();
  }
}

/** `@@GLOBAL.read_only` of a MySQL node: 1 when it refuses the workload's writes. */
export async function mysqlReadOnly(host: string, password: string, connectTimeout = 5000): Promise<number> {
  const c = await mysql.createConnection({ host, user: 'root', password, connectTimeout });
  try {
    const [rows] = await c.query('SELECT @@GLOBAL.read_only AS ro');
    return Number((rows as { ro: number }[])[0]?.ro);
  } finally {
    c.destroy();
  }
}

export async function redisIds(host: string, password: string): Promise<Set<string>> {
  const r = new Redis({ host, password, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  await r.connect();
  try {
    const ids = new Set<string>();
    let cursor = '0';
    do {
      const [next, keys] = await r.scan(cursor, 'MATCH', 'hadrill:w:*', 'COUNT', 1000);
      cursor = next;
      for (const k of keys) ids.add(k.slice('hadrill:w:'.length));
    } while (cursor !== '0');
    return ids;
  } finally {
    r.disconnect();
  }
}

/** What a Galera node says of its membership: wsrep_cluster_status, wsrep_cluster_size and wsrep_local_state_comment. */
export async function galeraMembership(host: string, password: string): Promise<{ status: string; size: number; state: string }> {
  const c = await mysql.createConnection({ host, user: 'root', password, connectTimeout: 5000 });
  try {
    const [rows] = await c.query({ sql: "SHOW GLOBAL STATUS WHERE Variable_name IN ('wsrep_cluster_status', 'wsrep_cluster_size', 'wsrep_local_state_comment')", rowsAsArray: true });
    const value = new Map((rows as [string, string][]).map(([k, v]) => [k.toLowerCase(), v]));
    return { status: value.get('wsrep_cluster_status') ?? '', size: Number(value.get('wsrep_cluster_size') ?? 0), state: value.get('wsrep_local_state_comment') ?? '' };
  } finally {
    c.destroy();
  }
}
