// The command lines, environments and files of the datastore containers, for
// hadrill's image and for official images (mariadb, mysql, redis). Passwords
// are files put into the container before it starts: never in its
// environment or command line, which `docker inspect`, `ps` on the host and
// Compose files show to anyone.
import type { MysqlService, RedisService } from '../scenario/scenario.js';

/** Where a container's secrets and configs are put. */
export const SECRETS_DIR = '/etc/hadrill';

export interface ContainerFile {
  path: string;
  content: string;
  mode: number;
}

/**
 * Root-only in hadrill's image, whose processes run as root; readable inside
 * the container for official images, whose servers drop to their own user
 * before they read it. Either way the file never leaves the container.
 */
export function secretFile(name: string, content: string, ownImage: boolean): ContainerFile {
  return { path: `${SECRETS_DIR}/${name}`, content, mode: ownImage ? 0o600 : 0o644 };
}

/**
 * Every MySQL node starts read-only: a former primary that comes back after a
 * power loss must not take writes until someone decides it should (the
 * manager makes only the primary writable).
 */
export function mysqlCommand(mysql: MysqlService, serverId: number, ownImage: boolean): string[] {
  const common = [
    `--server-id=${serverId}`,
    '--log-bin=mysql-bin',
    '--binlog-format=ROW',
    '--read-only=1',
    '--skip-name-resolve',
    '--bind-address=0.0.0.0',
    // Replicas notice a dead primary within seconds instead of the default minute.
    '--slave-net-timeout=4',
    '--max-connections=300',
  ];
  const semi = mysql.replication === 'semi-sync';
  if (mysql.flavor === 'mysql') {
    return [
      ...common,
      '--gtid-mode=ON',
      '--enforce-gtid-consistency=ON',
      '--log-replica-updates=ON',
      ...(semi
        ? [
            '--plugin-load-add=semisync_source.so',
            '--plugin-load-add=semisync_replica.so',
            '--rpl-semi-sync-source-enabled=OFF',
            '--rpl-semi-sync-replica-enabled=ON',
            `--rpl-semi-sync-source-timeout=${mysql.semiSyncTimeoutMs}`,
            '--rpl-semi-sync-source-wait-point=AFTER_SYNC',
          ]
        : []),
    ];
  }
  const args = [
    ...common,
    '--log-slave-updates=1',
    '--gtid-strict-mode=1',
    '--innodb-buffer-pool-size=64M',
    '--performance-schema=OFF',
    ...(semi
      ? [
          // The primary turns semi-sync on once a replica is connected (`up`, or the manager after a failover):
          // enabled from the start, its own set-up statements would wait for an acknowledgement nobody can send.
          '--rpl-semi-sync-master-enabled=OFF',
          '--rpl-semi-sync-slave-enabled=ON',
          `--rpl-semi-sync-master-timeout=${mysql.semiSyncTimeoutMs}`,
          '--rpl-semi-sync-master-wait-point=AFTER_SYNC',
        ]
      : []),
  ];
  return ownImage ? ['hadrill-mariadb', ...args] : args;
}

export const DB_ROOT_PASSWORD_FILE = `${SECRETS_DIR}/db-root-password`;

export function mysqlEnv(mysql: MysqlService, ownImage: boolean): Record<string, string> {
  // Official images read their root password from a *_FILE variable; hadrill's image from its own.
  if (ownImage) return { HADRILL_DB_ROOT_PASSWORD_FILE: DB_ROOT_PASSWORD_FILE };
  return mysql.flavor === 'mysql'
    ? { MYSQL_ROOT_PASSWORD_FILE: DB_ROOT_PASSWORD_FILE, MYSQL_ROOT_HOST: '%' }
    : { MARIADB_ROOT_PASSWORD_FILE: DB_ROOT_PASSWORD_FILE, MARIADB_ROOT_HOST: '%' };
}

export const REDIS_CONF = `${SECRETS_DIR}/redis.conf`;

/** Clients and replicas authenticate with one password (masterauth), so a promoted replica is reachable like its master. */
export function redisConf(password: string): string {
  return `requirepass ${password}\nmasterauth ${password}\n`;
}

export function redisCommand(masterIp: string | null): string[] {
  return [
    'redis-server',
    REDIS_CONF,
    '--port', '6379',
    '--bind', '0.0.0.0',
    '--protected-mode', 'no',
    '--save', '',
    '--appendonly', 'no',
    ...(masterIp ? ['--replicaof', masterIp, '6379'] : []),
  ];
}

export function sentinelEnv(redis: RedisService, masterName: string, masterIp: string): Record<string, string> {
  return {
    HADRILL_SENTINEL_MASTER_NAME: masterName,
    HADRILL_SENTINEL_MASTER_IP: masterIp,
    HADRILL_SENTINEL_MASTER_PORT: '6379',
    HADRILL_SENTINEL_QUORUM: String(redis.quorum),
    HADRILL_SENTINEL_DOWN_AFTER_MS: String(redis.downAfterMs),
    HADRILL_SENTINEL_FAILOVER_TIMEOUT_MS: String(redis.failoverTimeoutMs),
    // The Redis nodes' password (auth-pass), and the Sentinels' own (requirepass, also between Sentinels).
    HADRILL_SENTINEL_AUTH_PASS_FILE: `${SECRETS_DIR}/redis-password`,
    HADRILL_SENTINEL_PASSWORD_FILE: `${SECRETS_DIR}/sentinel-password`,
  };
}
