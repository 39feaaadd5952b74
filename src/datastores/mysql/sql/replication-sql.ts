// The SQL that sets up, inspects and changes replication, for MariaDB and for
// MySQL 8.x, which name the same things differently. Used by `up` and by the
// failover manager, so both speak the same dialect.

export type Flavor = 'mariadb' | 'mysql';

export interface ReplicaSource {
  host: string;
  port: number;
  user: string;
  password: string;
}

/**
 * Statements (with client-side placeholders) that make a node replicate from
 * `source` by GTID. `connection` names one of a MariaDB node's several
 * sources (multi-source replication); empty for its only one.
 */
export function replicateFromStatements(flavor: Flavor, source: ReplicaSource, connection = ''): { sql: string; values: unknown[] }[] {
  if (flavor === 'mysql' && connection !== '') throw new Error('named replication connections are built for MariaDB only');
  if (flavor === 'mysql') {
    return [
      { sql: 'STOP REPLICA', values: [] },
      {
        sql: 'CHANGE REPLICATION SOURCE TO SOURCE_HOST=?, SOURCE_PORT=?, SOURCE_USER=?, SOURCE_PASSWORD=?, SOURCE_AUTO_POSITION=1, SOURCE_CONNECT_RETRY=1, GET_SOURCE_PUBLIC_KEY=1',
        values: [source.host, source.port, source.user, source.password],
      },
      { sql: 'START REPLICA', values: [] },
    ];
  }
  const named = connection === '' ? '' : ` '${connection.replace(/[^A-Za-z0-9_.-]/g, '')}'`;
  return [
    // A named connection is made by its CHANGE MASTER; stopping it first would fail on one that does not exist yet.
    ...(named === '' ? [{ sql: 'STOP SLAVE', values: [] }] : []),
    {
      // slave_pos: a replica continues from what it has applied, the right thing after a failover.
      sql: `CHANGE MASTER${named} TO MASTER_HOST=?, MASTER_PORT=?, MASTER_USER=?, MASTER_PASSWORD=?, MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=1`,
      values: [source.host, source.port, source.user, source.password],
    },
    { sql: `START SLAVE${named}`, values: [] },
  ];
}

/** Every replication connection of a node (MariaDB's several sources, MySQL's channels), one row each. */
export function allReplicaStatusSql(flavor: Flavor): string {
  return flavor === 'mysql' ? 'SHOW REPLICA STATUS' : 'SHOW ALL SLAVES STATUS';
}

export function replicaStatusSql(flavor: Flavor): string {
  return flavor === 'mysql' ? 'SHOW REPLICA STATUS' : 'SHOW SLAVE STATUS';
}

export function stopReplicationSql(flavor: Flavor, ioOnly: boolean): string {
  if (flavor === 'mysql') return ioOnly ? 'STOP REPLICA IO_THREAD' : 'STOP REPLICA';
  return ioOnly ? 'STOP SLAVE IO_THREAD' : 'STOP SLAVE';
}

export function startReplicationSql(flavor: Flavor): string {
  return flavor === 'mysql' ? 'START REPLICA' : 'START SLAVE';
}

export function detachSql(flavor: Flavor): string[] {
  return flavor === 'mysql' ? ['STOP REPLICA', 'RESET REPLICA ALL'] : ['STOP SLAVE', 'RESET SLAVE ALL'];
}

export function setReadOnlySql(flavor: Flavor, readOnly: boolean): string[] {
  if (flavor === 'mysql') {
    return readOnly ? ['SET GLOBAL read_only=1', 'SET GLOBAL super_read_only=1'] : ['SET GLOBAL super_read_only=0', 'SET GLOBAL read_only=0'];
  }
  return [`SET GLOBAL read_only=${readOnly ? 1 : 0}`];
}

/** Waits until the node has applied `gtid` (or the timeout in seconds passes); returns -1 on timeout. */
export function waitForGtidSql(flavor: Flavor): string {
  return flavor === 'mysql' ? 'SELECT WAIT_FOR_EXECUTED_GTID_SET(?, ?) AS r' : 'SELECT MASTER_GTID_WAIT(?, ?) AS r';
}

export function executedGtidSql(flavor: Flavor): string {
  return flavor === 'mysql' ? 'SELECT @@GLOBAL.gtid_executed AS gtid' : 'SELECT @@GLOBAL.gtid_current_pos AS gtid';
}

/** Field names of the replica status row. */
export function statusFields(flavor: Flavor): { received: string; ioRunning: string; sqlRunning: string; lag: string; source: string; lastError: string } {
  return flavor === 'mysql'
    ? { received: 'Retrieved_Gtid_Set', ioRunning: 'Replica_IO_Running', sqlRunning: 'Replica_SQL_Running', lag: 'Seconds_Behind_Source', source: 'Source_Host', lastError: 'Last_IO_Error' }
    : { received: 'Gtid_IO_Pos', ioRunning: 'Slave_IO_Running', sqlRunning: 'Slave_SQL_Running', lag: 'Seconds_Behind_Master', source: 'Master_Host', lastError: 'Last_IO_Error' };
}

export function semiSyncSourceSql(flavor: Flavor, enabled: boolean): string {
  return `SET GLOBAL ${flavor === 'mysql' ? 'rpl_semi_sync_source_enabled' : 'rpl_semi_sync_master_enabled'} = ${enabled ? 1 : 0}`;
}
