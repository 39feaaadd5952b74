// What the scenario says of a MariaDB/MySQL replication group: its roles,
// the machinery it takes, and its own settings (replication, the semi-sync
// timeout, the server flavour its image runs). Pure: the parser reads it.
import type { KindModel, KindSettings } from '../../core/scenario/kind-model.js';
import { ms, type Raw } from '../../core/scenario/parse-support.js';
import { OWN_IMAGE, type Group } from '../../core/scenario/scenario.js';

/**
 * async / semi-sync: one primary, replicas follow it. bidirectional: every
 * primary takes writes and replicates to and from every other (multi-active).
 */
export type MysqlReplication = 'async' | 'semi-sync' | 'bidirectional';

export interface MysqlSettings {
  flavor: 'mariadb' | 'mysql';
  replication: MysqlReplication;
  semiSyncTimeoutMs: number;
}

/** A MySQL group's own settings, as its parser read them. */
export function mysqlSettings(group: Pick<Group, 'settings'>): MysqlSettings {
  return group.settings as unknown as MysqlSettings;
}

/** The server a MySQL-protocol image runs: MySQL when its name says so, MariaDB otherwise (hadrill's own image runs MariaDB). */
export function flavorOf(image: string): 'mariadb' | 'mysql' {
  return /(^|\/)mysql(:|$)/.test(image) ? 'mysql' : 'mariadb';
}

export const mysqlModel: KindModel = {
  name: 'mysql',
  writerRole: 'primary',
  roles: ['primary', 'replica', 'standby'],
  failovers: ['manager', 'mha', 'restore', 'none'],
  defaultFailover: (settings) => ((settings as unknown as MysqlSettings).replication === 'bidirectional' ? 'none' : 'manager'),
  settings(raw: Raw, image): KindSettings {
    const settings: MysqlSettings = { flavor: flavorOf(image), replication: raw.replication ?? 'async', semiSyncTimeoutMs: ms(raw.semiSyncTimeout ?? '10s') };
    return settings as unknown as KindSettings;
  },
  authority: (settings) => ((settings as unknown as MysqlSettings).replication === 'bidirectional' ? 'converged' : 'writer'),
  // The one writable node is the one with read_only off (every node starts read-only); bidirectional primaries all are.
  findsWritableNode: (settings) => (settings as unknown as MysqlSettings).replication !== 'bidirectional',
  switchover(group, to) {
    if (group.failover.kind === 'mha') return "MHA's online switch refuses to run while masterha_manager watches the group, and hadrill does not stop MHA for it yet";
    if (group.failover.kind !== 'manager') return `a planned switchover needs hadrill's manager (failover kind manager), not "${group.failover.kind}"`;
    const target = group.nodes.find((n) => n.name === to);
    // Any node that holds data: a move back goes to the node that was the primary at the start.
    if (to !== null && (target === undefined || target.role === 'standby')) return `"${to}" is not a node of the group that holds data; its nodes: ${group.nodes.filter((n) => n.role !== 'standby').map((n) => n.name).join(', ')}`;
    return null;
  },
  noColdBackup: null,
  checkGroup(group, at, c) {
    if (group.failover.kind === 'mha') {
      // MHA's node tools, SSH and mysqlbinlog run inside every node.
      if (group.image !== OWN_IMAGE) c.report(at('image'), `MHA drives every node over SSH with its mha4mysql-node tools: it needs hadrill's own image (image: ${OWN_IMAGE}), not "${group.image}"`);
      if (!group.nodes.some((n) => n.role === 'replica')) c.report(at('nodes'), 'MHA promotes a replica: give the group at least one node with role replica');
    }
    if (mysqlSettings(group).replication !== 'bidirectional') return;
    if (group.nodes.length < 2) c.report(at('nodes'), 'bidirectional replication needs at least 2 primaries');
    else if (group.nodes.some((n) => n.role !== 'primary')) c.report(at('nodes'), 'in bidirectional replication every node is a primary');
  },
  stoppableReplicas: (group) => (mysqlSettings(group).replication === 'bidirectional' ? [] : group.nodes.filter((n) => n.role === 'replica').map((n) => n.name)),
  shorthand: {
    section: 'mysql',
    failoverPath: ['mysql', 'manager'],
    // The shorthand's failover settings are the section's `manager`.
    expand: (raw: Raw): Raw => ({ ...raw, name: 'mysql', kind: 'mysql', manager: undefined, failover: { kind: 'manager', name: 'mysql-manager', ...(raw.manager ?? {}) } }),
  },
  schemaProperties: {
    replication: { enum: ['async', 'semi-sync', 'bidirectional'], description: 'mysql: async or semi-sync from one primary, or bidirectional between several primaries' },
    semiSyncTimeout: { $ref: '#/definitions/duration' },
  },
};

/** A MySQL group with its settings at hand, as the kind's own code reads it. */
export type MysqlGroup = Group & MysqlSettings;

export function asMysqlGroup(group: Group): MysqlGroup {
  return { ...group, ...mysqlSettings(group) };
}
