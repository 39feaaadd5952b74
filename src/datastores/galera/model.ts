// What the scenario says of a MariaDB Galera cluster: every node a member
// that takes writes, its own quorum as the failover machinery, no settings
// of its own. Pure: the parser reads it.
import type { KindModel } from '../../core/scenario/kind-model.js';
import { OWN_IMAGE } from '../../core/scenario/scenario.js';

export const galeraModel: KindModel = {
  name: 'galera',
  writerRole: 'member',
  roles: ['member'],
  failovers: ['quorum'],
  defaultFailover: () => 'quorum',
  settings: () => ({}),
  authority: () => 'converged',
  // Every Galera node is a writer, and a node that comes back rejoins by the cluster's own state transfer: no node is ever stopped to be copied.
  // Every member takes writes: read_only says nothing of which one to write to.
  findsWritableNode: () => false,
  switchover: () => 'every Galera member takes writes: there is no writer to move',
  noColdBackup: 'a Galera group takes no cold backup: every node takes writes and a returning node rejoins by state transfer',
  checkGroup(group, at, c) {
    if (group.nodes.length < 2) c.report(at('nodes'), 'a Galera cluster needs at least 2 nodes (3 or more to survive the loss of one)');
    if (group.image !== OWN_IMAGE && !/(^|\/)mariadb(:|$)/.test(group.image)) c.report(at('image'), `Galera needs MariaDB: use hadrill's own image or a mariadb image, not "${group.image}"`);
  },
  stoppableReplicas: () => [],
  schemaProperties: {},
};
