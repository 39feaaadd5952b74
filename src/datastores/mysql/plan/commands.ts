// MariaDB/MySQL command lines and environments, for hadrill's image and for
// official images (mariadb, mysql).
import { SECRETS_DIR } from '../../../core/plan/container-files.js';
import type { MysqlGroup } from '../model.js';

export const DB_ROOT_PASSWORD_FILE = `${SECRETS_DIR}/db-root-password`;
export const MYSQL_DATA_DIR = '/var/lib/mysql';

/**
 * Every MySQL node of a one-writer group starts read-only: a former primary
 * that comes back after a power loss must not take writes until someone
 * decides it should (the manager makes only the primary writable). The
 * primaries of a bidirectional group take writes whenever they run, as a
 * multi-active site configures them: nothing would open them. In bidirectional replication
 * every primary, on either flavor, takes its own auto-increment offset, so
 * their rows never collide by id; and its transactions are apart by GTID: a
 * MariaDB primary writes under its own GTID domain, a MySQL one's GTIDs carry
 * its server UUID.
 */
export function mysqlCommand(group: MysqlGroup, serverId: number, ownImage: boolean): string[] {
  const bidirectional = group.replication === 'bidirectional';
  // Every node of a bidirectional group is a primary: each takes every n-th auto-increment value, from its own offset.
  const autoIncrement = bidirectional ? [`--auto-increment-increment=${group.nodes.length}`, `--auto-increment-offset=${serverId}`] : [];
  const common = [
    `--server-id=${serverId}`,
    '--log-bin=mysql-bin',
    '--binlog-format=ROW',
    `--read-only=${bidirectional ? 0 : 1}`,
    '--skip-name-resolve',
    '--bind-address=0.0.0.0',
    // Replicas notice a dead primary within seconds instead of the default minute.
    '--slave-net-timeout=4',
    '--max-connections=300',
  ];
  const semi = group.replication === 'semi-sync';
  if (group.flavor === 'mysql') {
    return [
      ...common,
      '--gtid-mode=ON',
      '--enforce-gtid-consistency=ON',
      '--log-replica-updates=ON',
      ...autoIncrement,
      ...(semi
        ? [
            '--plugin-load-add=semisync_source.so',
            '--plugin-load-add=semisync_replica.so',
            '--rpl-semi-sync-source-enabled=OFF',
            '--rpl-semi-sync-replica-enabled=ON',
            `--rpl-semi-sync-source-timeout=${group.semiSyncTimeoutMs}`,
            '--rpl-semi-sync-source-wait-point=AFTER_SYNC',
          ]
        : []),
    ];
  }
  const args = [
    ...common,
    '--log-slave-updates=1',
    '--innodb-buffer-pool-size=64M',
    '--performance-schema=OFF',
    // A cold backup ships the whole data directory: a small redo log keeps every backup (and restore) small.
    ...(group.backup !== null ? ['--innodb-log-file-size=8M'] : []),
    ...(bidirectional
      ? // Strict mode stops a replica on another primary's lower sequence number; domains keep each primary's apart.
        [
          '--gtid-strict-mode=0',
          `--gtid-domain-id=${serverId}`,
          ...autoIncrement,
          // More than two primaries form a full mesh: a write reaches a node by several paths, and is applied once.
          // A startup flag, so a node that restarts (its IDC's power back) still ignores the second copy.
          ...(group.nodes.length > 2 ? ['--gtid-ignore-duplicates=1'] : []),
        ]
      : ['--gtid-strict-mode=1']),
    ...(semi
      ? [
          // The primary turns semi-sync on once a replica is connected (`up`, or the manager after a failover):
          // enabled from the start, its own set-up statements would wait for an acknowledgement nobody can send.
          '--rpl-semi-sync-master-enabled=OFF',
          '--rpl-semi-sync-slave-enabled=ON',
          `--rpl-semi-sync-master-timeout=${group.semiSyncTimeoutMs}`,
          '--rpl-semi-sync-master-wait-point=AFTER_SYNC',
        ]
      : []),
  ];
  return ownImage ? ['hadrill-mariadb', ...args] : args;
}

export function mysqlEnv(flavor: 'mariadb' | 'mysql', ownImage: boolean): Record<string, string> {
  // Official images read their root password from a *_FILE variable; hadrill's image from its own.
  if (ownImage) return { HADRILL_DB_ROOT_PASSWORD_FILE: DB_ROOT_PASSWORD_FILE };
  return flavor === 'mysql'
    ? { MYSQL_ROOT_PASSWORD_FILE: DB_ROOT_PASSWORD_FILE, MYSQL_ROOT_HOST: '%' }
    : { MARIADB_ROOT_PASSWORD_FILE: DB_ROOT_PASSWORD_FILE, MARIADB_ROOT_HOST: '%' };
}
