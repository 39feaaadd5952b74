// hadrill's own administrative access to the MySQL nodes from the host: set
// up replication at `up`, read status, stop replication as a fault, and read
// the final state.
import type mysql from 'mysql2/promise';
import { mysql2 } from '../../../client-libraries.js';
import { APP_USER, DATABASE, REPL_USER, PORTS, type Secrets } from '../../../core/plan/topology-plan.js';
import {
  replicaStatusSql,
  replicateFromStatements,
  startReplicationSql,
  statusFields,
  stopReplicationSql,
  executedGtidSql,
  type Flavor,
} from '../sql/replication-sql.js';

export interface ReplicaStatus {
  source: string;
  ioRunning: boolean;
  sqlRunning: boolean;
  lagSeconds: number | null;
  received: string;
  lastError: string;
}

export interface MysqlNodeStatus {
  readOnly: boolean;
  executedGtid: string;
  replica: ReplicaStatus | null;
  semiSyncClients: number | null;
}

/**
 * Runs `fn` on a fresh root connection. The whole call has a deadline too: a
 * node that accepts a connection and then hangs (frozen, or waiting on
 * semi-sync) must not hang hadrill with it.
 */
export async function withMysql<T>(host: string, secrets: Secrets, fn: (c: mysql.Connection) => Promise<T>, timeoutMs = 2000, deadlineMs = 30_000): Promise<T> {
  const connection = await mysql2().createConnection({ host, port: PORTS.mysql, user: secrets.mysqlAdminUser ?? 'root', password: secrets.rootPassword, connectTimeout: timeoutMs });
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      fn(connection),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer from MySQL at ${host} within ${deadlineMs} ms`)), deadlineMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
    connection.destroy();
  }
}

/**
 * Users, database, tables and trigger, created on the primary and carried to
 * replicas by replication. Each write is a row of `writes`; the trigger, in
 * the same transaction, makes it the client's latest write (what reads ask
 * for) and the value of its shared key, when it names one.
 */
export async function bootstrapPrimary(c: mysql.Connection, secrets: Secrets): Promise<void> {
  await c.query(`CREATE USER IF NOT EXISTS '${REPL_USER}'@'%' IDENTIFIED BY ?`, [secrets.replPassword]);
  await c.query(`GRANT REPLICATION SLAVE ON *.* TO '${REPL_USER}'@'%'`);
  await bootstrapWorkload(c, secrets);
}

/**
 * What the workload writes into: hadrill's own database and workload user,
 * nothing else (on an attached group, the user's primary; `down` drops both).
 */
export async function bootstrapWorkload(c: mysql.Connection, secrets: Secrets): Promise<void> {
  const statements: [string, unknown[]][] = [
    [`CREATE DATABASE IF NOT EXISTS ${DATABASE}`, []],
    [
      `CREATE TABLE IF NOT EXISTS ${DATABASE}.writes (id VARCHAR(96) PRIMARY KEY, client VARCHAR(64) NOT NULL, idc VARCHAR(32) NOT NULL, written_at BIGINT NOT NULL, k VARCHAR(32) NULL) ENGINE=InnoDB`,
      [],
    ],
    [`CREATE TABLE IF NOT EXISTS ${DATABASE}.last_write (client VARCHAR(64) PRIMARY KEY, id VARCHAR(96) NOT NULL) ENGINE=InnoDB`, []],
    [`CREATE TABLE IF NOT EXISTS ${DATABASE}.registers (k VARCHAR(32) PRIMARY KEY, id VARCHAR(96) NOT NULL) ENGINE=InnoDB`, []],
    [
      `CREATE TRIGGER IF NOT EXISTS ${DATABASE}.writes_after_insert AFTER INSERT ON ${DATABASE}.writes FOR EACH ROW BEGIN
         INSERT INTO ${DATABASE}.last_write (client, id) VALUES (NEW.client, NEW.id) ON DUPLICATE KEY UPDATE id = NEW.id;
         IF NEW.k IS NOT NULL THEN
           INSERT INTO ${DATABASE}.registers (k, id) VALUES (NEW.k, NEW.id) ON DUPLICATE KEY UPDATE id = NEW.id;
         END IF;
       END`,
      [],
    ],
    // The workload user has no SUPER (nor any global privilege), so read_only really fences it.
    [`CREATE USER IF NOT EXISTS '${APP_USER}'@'%' IDENTIFIED BY ?`, [secrets.appPassword]],
    [`GRANT SELECT, INSERT ON ${DATABASE}.* TO '${APP_USER}'@'%'`, []],
  ];
  for (const [sql, values] of statements) await c.query(sql, values);
}

/**
 * One row per shared key, written before any client writes: a register's
 * first write is then an update, as every later one. Created on first write
 * instead, two primaries that both create a key replicate two inserts of one
 * primary key, and the duplicate stops replication (error 1062) both ways.
 */
export async function seedRegisters(c: mysql.Connection, keys: readonly string[]): Promise<void> {
  if (keys.length === 0) return;
  await c.query(`INSERT IGNORE INTO ${DATABASE}.registers (k, id) VALUES ${keys.map(() => "(?, '')").join(', ')}`, [...keys]);
}

export async function configureReplica(c: mysql.Connection, flavor: Flavor, primaryHost: string, secrets: Secrets, connection = ''): Promise<void> {
  const statements = replicateFromStatements(flavor, { host: primaryHost, port: PORTS.mysql, user: REPL_USER, password: secrets.replPassword }, connection);
  for (const s of statements) await c.query(s.sql, s.values);
}

export async function replicaStatus(c: mysql.Connection, flavor: Flavor): Promise<ReplicaStatus | null> {
  const [rows] = await c.query(replicaStatusSql(flavor));
  const row = (rows as Record<string, unknown>[])[0];
  if (!row) return null;
  const f = statusFields(flavor);
  const lag = row[f.lag];
  return {
    source: String(row[f.source] ?? ''),
    ioRunning: row[f.ioRunning] === 'Yes',
    sqlRunning: row[f.sqlRunning] === 'Yes',
    lagSeconds: lag === null || lag === undefined ? null : Number(lag),
    received: String(row[f.received] ?? ''),
    lastError: String(row[f.lastError] ?? ''),
  };
}

export async function nodeStatus(c: mysql.Connection, flavor: Flavor): Promise<MysqlNodeStatus> {
  const [[ro]] = (await c.query('SELECT @@GLOBAL.read_only AS ro')) as unknown as [[{ ro: number }]];
  const [[gtid]] = (await c.query(executedGtidSql(flavor))) as unknown as [[{ gtid: string }]];
  const [semi] = (await c.query("SHOW GLOBAL STATUS WHERE Variable_name IN ('Rpl_semi_sync_master_clients', 'Rpl_semi_sync_source_clients')")) as unknown as [
    { Variable_name: string; Value: string }[],
  ];
  return {
    readOnly: Number(ro.ro) === 1,
    executedGtid: gtid.gtid,
    replica: await replicaStatus(c, flavor),
    semiSyncClients: semi[0] ? Number(semi[0].Value) : null,
  };
}

export async function stopReplication(c: mysql.Connection, flavor: Flavor): Promise<void> {
  // Only the IO thread: the replica stops receiving, and applies what it already has, like a cut replication link.
  await c.query(stopReplicationSql(flavor, true));
}

export async function startReplication(c: mysql.Connection, flavor: Flavor): Promise<void> {
  await c.query(startReplicationSql(flavor));
}

export async function hasWritesTable(c: mysql.Connection): Promise<boolean> {
  const [rows] = await c.query(`SELECT 1 FROM information_schema.tables WHERE table_schema = ? AND table_name = 'writes'`, [DATABASE]);
  return (rows as unknown[]).length > 0;
}

export async function readWriteIds(c: mysql.Connection): Promise<string[]> {
  const [rows] = await c.query({ sql: `SELECT id FROM ${DATABASE}.writes`, rowsAsArray: true });
  return (rows as [string][]).map((r) => r[0]);
}

/** What the final read takes from a node: its writes, its shared keys and its status, on one connection. */
export async function readFinalNode(host: string, secrets: Secrets, flavor: Flavor): Promise<{ ids: string[]; registers: Record<string, string>; status: MysqlNodeStatus }> {
  return withMysql(host, secrets, async (conn) => ({ ids: await readWriteIds(conn), registers: await readRegisters(conn), status: await nodeStatus(conn, flavor) }), 3000);
}

/** Each shared key's value: the id of the write that set it last. */
export async function readRegisters(c: mysql.Connection): Promise<Record<string, string>> {
  // A seeded key nobody wrote has no value yet.
  const [rows] = await c.query({ sql: `SELECT k, id FROM ${DATABASE}.registers WHERE id <> ''`, rowsAsArray: true });
  return Object.fromEntries(rows as [string, string][]);
}

/** Removes what bootstrapWorkload made: an attached group is left as hadrill found it. */
export async function dropWorkload(c: mysql.Connection): Promise<void> {
  await c.query(`DROP DATABASE IF EXISTS ${DATABASE}`);
  await c.query(`DROP USER IF EXISTS '${APP_USER}'@'%'`);
}
