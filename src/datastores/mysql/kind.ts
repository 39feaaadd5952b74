// MariaDB/MySQL replication groups: one primary and its replicas (async or
// semi-sync) failed over by hadrill's manager or a cold backup's restore, or
// several primaries replicating both ways.
import type { DatastoreKind } from '../kind.js';
import { mysqlEngine } from './host/engine.js';
import { mysqlModel, mysqlSettings } from './model.js';
import { mysqlPlanner } from './plan/plan.js';

export const mysqlKind = {
  name: 'mysql' as const,
  model: mysqlModel,
  planner: mysqlPlanner,
  engine: mysqlEngine,
  report: { family: 'MySQL', lagChart: true, certifies: false },
  // mariadb-backup: the server's own tools beside it, as an installed server has them.
  // MHA (manager and node) with the SSH it drives every node by, and HAProxy for the proxy route:
  // the user's own failover stack, as Debian packages it.
  imagePackages: ['mariadb-server', 'mariadb-client', 'mariadb-backup', 'mha4mysql-manager', 'mha4mysql-node', 'openssh-server', 'openssh-client', 'haproxy'],
  // The controller waits on MariaDB's GTID domains and multi-source connections when it moves shards.
  holdsDalShards: (group) => mysqlSettings(group).flavor === 'mariadb',
} satisfies DatastoreKind<'mysql'>;
