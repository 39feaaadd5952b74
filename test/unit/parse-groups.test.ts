// The groups form of a scenario and its legacy `mysql:`/`redis:` shorthand,
// and the problems the parser finds in groups, routes and the data access
// layer: each one an exit-code-2 error that names the file, the line and
// YAML path of the mistake, and what to do about it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { ScenarioError } from '../../src/core/errors.js';
import { IDC_CAPACITY } from '../../src/core/plan/placement.js';
import { parseScenario } from '../../src/core/scenario/parse-scenario.js';
import type { Failover, Group } from '../../src/core/scenario/scenario.js';
import { asMysqlGroup } from '../../src/datastores/mysql/model.js';
import { ROOT } from '../support/hadrill-cli.js';
import { KIND_MODELS } from '../../src/datastores/registry.js';
import { problemAtPath, rejectedScenario } from '../support/scenario-problems.js';

const FILE = 'scenarios/bad.yaml';
const IDCS = 'name: t\nidcs: [{ name: idc-a }, { name: idc-b }, { name: idc-c }]\n';
/** Two IDCs: multi-writer groups need a writable node in every IDC their clients write from. */
const IDCS2 = 'name: t\nidcs: [{ name: idc-a }, { name: idc-b }]\n';
const CLIENT_A = 'workload: { clients: [{ idc: idc-a }] }\n';

const rejected = (text: string): ScenarioError => rejectedScenario(text, FILE);

const problemAt = (text: string, path: string, onLine: string): string => problemAtPath(text, FILE, path, onLine);

const group = (text: string, name: string): Group => {
  const g = parseScenario(text, FILE, KIND_MODELS).groups.find((x) => x.name === name);
  assert.ok(g, `no group ${name}`);
  return g;
};

describe('groups and the legacy shorthand', () => {
  test('the mysql/redis shorthand reads as the same scenario as hot-standby.yaml written with groups', () => {
    const file = 'scenarios/hot-standby.yaml';
    const shipped = readFileSync(join(ROOT, file), 'utf8');
    // Everything above `groups:` and from `workload:` on is shared; only the datastores are written the old way.
    const head = shipped.slice(0, shipped.indexOf('\ngroups:\n') + 1);
    const tail = shipped.slice(shipped.indexOf('\nworkload:\n') + '\nworkload:\n'.length);
    assert.ok(head.includes('name: hot-standby') && tail.includes('drill:'), 'the shipped file still has groups: before workload:');
    const shorthand = `${head}mysql:
  image: hadrill
  replication: async
  nodes:
    - { name: db-a, idc: idc-a, role: primary }
    - { name: db-b, idc: idc-b, role: replica }
  manager: { idc: idc-c, checkInterval: 500ms, failureThreshold: 3, connectTimeout: 1s }
redis:
  nodes:
    - { name: redis-a, idc: idc-a, role: master }
    - { name: redis-b, idc: idc-b, role: replica }
  sentinels: [{ idc: idc-a }, { idc: idc-b }, { idc: idc-c }]
  quorum: 2
  downAfter: 2s
  failoverTimeout: 10s
workload:
${tail}`;
    assert.doesNotMatch(shorthand, /^groups:/m);
    assert.deepEqual(parseScenario(shorthand, file, KIND_MODELS), parseScenario(shipped, file, KIND_MODELS));
  });

  test('the shorthand\'s defaults are the groups form\'s: roles, a manager away from the primary, Sentinel names and quorum, per-group rates', () => {
    const shorthand = `${IDCS}mysql:
  replication: semi-sync
  semiSyncTimeout: 30s
  nodes: [{ name: db-a, idc: idc-a }, { name: db-b, idc: idc-b }]
redis:
  nodes: [{ name: r-a, idc: idc-b }, { name: r-b, idc: idc-a }]
  sentinels: [{ idc: idc-a }, { idc: idc-b }, { idc: idc-c }]
workload:
  clients: [{ idc: idc-a }, { idc: idc-b }]
  mysqlWritesPerSecond: 7
  redisReadsPerSecond: 0
`;
    const groups = `${IDCS}groups:
  - name: mysql
    kind: mysql
    replication: semi-sync
    semiSyncTimeout: 30s
    nodes: [{ name: db-a, idc: idc-a }, { name: db-b, idc: idc-b }]
  - name: redis
    kind: redis
    nodes: [{ name: r-a, idc: idc-b }, { name: r-b, idc: idc-a }]
    failover: { kind: sentinel, sentinels: [{ idc: idc-a }, { idc: idc-b }, { idc: idc-c }] }
workload:
  clients: [{ idc: idc-a }, { idc: idc-b }]
  groups: [{ group: mysql, writesPerSecond: 7 }, { group: redis, readsPerSecond: 0 }]
`;
    const fromShorthand = parseScenario(shorthand, FILE, KIND_MODELS);
    assert.deepEqual(fromShorthand, parseScenario(groups, FILE, KIND_MODELS));
    // And those defaults are the promised ones.
    const mysql = asMysqlGroup(fromShorthand.groups[0]!);
    assert.deepEqual(mysql.nodes.map((n) => n.role), ['primary', 'replica']);
    assert.deepEqual(mysql.failover, { kind: 'manager', name: 'mysql-manager', idc: 'idc-b', prefer: 'most-advanced', checkIntervalMs: 500, failureThreshold: 3, connectTimeoutMs: 1000 } satisfies Failover);
    assert.deepEqual(fromShorthand.groups[1]?.failover, { kind: 'sentinel', sentinels: ['idc-a', 'idc-b', 'idc-c'].map((idc) => ({ name: `sentinel-${idc}`, idc })), quorum: 2, downAfterMs: 2000, failoverTimeoutMs: 10_000, prefer: 'most-advanced', masterName: 'hadrill' } satisfies Failover);
    assert.deepEqual(fromShorthand.workload.groups.map((w) => [w.group, w.writesPerSecond, w.readsPerSecond, w.writes]), [['mysql', 7, 10, 'writer'], ['redis', 20, 0, 'writer']]);
  });

  test('groups and the shorthand can be mixed: the shorthand groups come after the listed ones', () => {
    const s = parseScenario(`${IDCS}groups:\n  - { name: cache, kind: redis, nodes: [{ name: c-a, idc: idc-a }] }\nmysql:\n  nodes: [{ name: db-a, idc: idc-a }]\n${CLIENT_A}`, FILE, KIND_MODELS);
    assert.deepEqual(s.groups.map((g) => [g.name, g.kind, g.failover.kind]), [['cache', 'redis', 'none'], ['mysql', 'mysql', 'manager']]);
  });

  test('a shorthand group may not take the name of a listed group', () => {
    const text = `${IDCS}groups:\n  - { name: mysql, kind: redis, nodes: [{ name: c-a, idc: idc-a }] }\nmysql:\n  nodes: [{ name: db-a, idc: idc-a }]\n${CLIENT_A}`;
    assert.match(problemAt(text, 'groups', 'name: mysql'), /two groups are named "mysql"; group names must be unique/);
  });

  test('problems in the shorthand point at the shorthand\'s own places', () => {
    const text = `${IDCS}mysql:
  nodes: [{ name: db-a, idc: idc-a }, { name: db-b, idc: idc-q }]
  manager: { idc: idc-x }
redis:
  nodes: [{ name: r-a, idc: idc-a }]
  sentinels: [{ idc: idc-z }]
  quorum: 2
${CLIENT_A}`;
    assert.match(problemAt(text, 'mysql.nodes[1].idc', 'idc-q'), /unknown IDC "idc-q"; known: idc-a, idc-b, idc-c/);
    assert.match(problemAt(text, 'mysql.manager.idc', 'manager:'), /unknown IDC "idc-x"/);
    assert.match(problemAt(text, 'redis.sentinels[0].idc', 'idc-z'), /unknown IDC "idc-z"/);
    assert.match(problemAt(text, 'redis.quorum', 'quorum: 2'), /quorum 2 is more than the 1 sentinels; no failover could ever be agreed/);
  });
});

describe('group defaults', () => {
  test('a mysql group: the first node is the primary, a manager named after the group in the first IDC without the primary', () => {
    const g = asMysqlGroup(group(`${IDCS}groups:\n  - { name: db, kind: mysql, nodes: [{ name: n1, idc: idc-a }, { name: n2, idc: idc-b }, { name: n3, idc: idc-a }] }\n${CLIENT_A}`, 'db'));
    assert.deepEqual([g.replication, g.flavor, g.image, g.nodes.map((n) => n.role)], ['async', 'mariadb', 'hadrill', ['primary', 'replica', 'replica']]);
    assert.deepEqual(g.failover.kind === 'manager' ? [g.failover.name, g.failover.idc] : null, ['db-manager', 'idc-b']);
  });

  test('a named primary anywhere in the list is the writer, and the manager keeps out of its IDC', () => {
    const g = group(`${IDCS}groups:\n  - { name: db, kind: mysql, nodes: [{ name: n1, idc: idc-a }, { name: n2, idc: idc-b, role: primary }] }\n${CLIENT_A}`, 'db');
    assert.deepEqual(g.nodes.map((n) => n.role), ['replica', 'primary']);
    assert.equal(g.failover.kind === 'manager' ? g.failover.idc : null, 'idc-a');
  });

  test('a mysql:8 image is the mysql flavor; anything else is MariaDB', () => {
    const flavor = (image: string): string => asMysqlGroup(group(`${IDCS}groups:\n  - { name: db, kind: mysql, image: '${image}', nodes: [{ name: n1, idc: idc-a }] }\n${CLIENT_A}`, 'db')).flavor;
    assert.deepEqual([flavor('mysql:8.4'), flavor('docker.io/library/mysql'), flavor('mariadb:11'), flavor('mysqlish:1')], ['mysql', 'mysql', 'mariadb', 'mariadb']);
  });

  test('multi-writer groups: bidirectional nodes are all primaries and Galera nodes all members, with no failover machinery of hadrill\'s', () => {
    const text = `${IDCS2}groups:
  - { name: bi, kind: mysql, replication: bidirectional, nodes: [{ name: b1, idc: idc-a }, { name: b2, idc: idc-b }] }
  - { name: ga, kind: galera, nodes: [{ name: g1, idc: idc-a }, { name: g2, idc: idc-b }] }
  - { name: ca, kind: redis, nodes: [{ name: c1, idc: idc-a }] }
workload: { clients: [{ idc: idc-a }, { idc: idc-b }], groups: [{ group: ca, from: [idc-a] }] }
`;
    const s = parseScenario(text, FILE, KIND_MODELS);
    assert.deepEqual(s.groups.map((g) => [g.name, g.nodes.map((n) => n.role), g.failover.kind]), [['bi', ['primary', 'primary'], 'none'], ['ga', ['member', 'member'], 'quorum'], ['ca', ['master'], 'none']]);
    // Writes default to the writer for one-writer groups, to the local node for multi-writer ones.
    assert.deepEqual(s.workload.groups.map((w) => [w.group, w.writes, w.reads, w.from]), [['bi', 'local', 'local', ['idc-a', 'idc-b']], ['ga', 'local', 'local', ['idc-a', 'idc-b']], ['ca', 'writer', 'local', ['idc-a']]]);
  });

  test('a cold backup: storage and restore manager named after the group', () => {
    const g = group(`${IDCS}groups:\n  - { name: db, kind: mysql, nodes: [{ name: n1, idc: idc-a }, { name: n2, idc: idc-b, role: standby }], backup: { every: 1m, storage: { idc: idc-c } }, failover: { kind: restore } }\n${CLIENT_A}`, 'db');
    assert.deepEqual(g.backup, { everyMs: 60_000, storage: { name: 'db-storage', idc: 'idc-c' } });
    assert.deepEqual(g.failover, { kind: 'restore', name: 'db-restore', idc: 'idc-b', checkIntervalMs: 500, failureThreshold: 3, connectTimeoutMs: 1000 } satisfies Failover);
  });

  test('Sentinels of a group not named redis are named after the group', () => {
    const g = group(`${IDCS}groups:\n  - { name: cache, kind: redis, nodes: [{ name: c1, idc: idc-a }], failover: { kind: sentinel, sentinels: [{ idc: idc-b }, { idc: idc-b }, { name: s3, idc: idc-c }] } }\n${CLIENT_A}`, 'cache');
    assert.deepEqual(g.failover.kind === 'sentinel' ? [g.failover.sentinels.map((s) => s.name), g.failover.quorum] : null, [['cache-sentinel-idc-b', 'cache-sentinel-idc-b-2', 's3'], 2]);
  });
});

describe('group problems name the file, the place and the fix', () => {
  const mysql = (nodes: string, extra = ''): string => `${IDCS}groups:\n  - name: db\n    kind: mysql\n    nodes: ${nodes}\n${extra}${CLIENT_A}`;
  const TWO = '[{ name: n1, idc: idc-a }, { name: n2, idc: idc-b }]';

  test('a node name used in two groups', () => {
    const error = rejected(`${IDCS}groups:\n  - { name: db, kind: mysql, nodes: [{ name: n1, idc: idc-a }] }\n  - { name: c, kind: redis, nodes: [{ name: n1, idc: idc-a }] }\n${CLIENT_A}`);
    assert.match(error.message, /^Invalid scenario scenarios\/bad\.yaml \(1 problem\):/);
    assert.match(error.message, /the name "n1" is used by two nodes, machinery containers or clients; names must be unique/);
  });

  test('a node name that is also a machinery container\'s or a client\'s', () => {
    const taken = (text: string, name: string): void => assert.ok(rejected(text).problems.some((p) => p.message.startsWith(`the name "${name}" is used by two`)), name);
    taken(mysql('[{ name: db-manager, idc: idc-a }, { name: n2, idc: idc-b }]'), 'db-manager');
    taken(mysql(TWO).replace('clients: [{ idc: idc-a }]', 'clients: [{ name: n2, idc: idc-a }]'), 'n2');
    taken(mysql(TWO).replace('name: n1', 'name: router'), 'router');
  });

  test('a node in an IDC the scenario does not declare', () => {
    assert.match(problemAt(mysql('\n      - { name: n1, idc: idc-a }\n      - { name: n2, idc: idc-z }'), 'groups[0].nodes[1].idc', 'idc-z'), /unknown IDC "idc-z"; known: idc-a, idc-b, idc-c/);
  });

  test('failover machinery, backup storage or a Sentinel in an unknown IDC', () => {
    assert.match(problemAt(mysql(TWO, '    failover: { kind: manager, idc: idc-x }\n'), 'groups[0].failover.idc', 'idc-x'), /unknown IDC "idc-x"; known: idc-a, idc-b, idc-c/);
    const restore = mysql('[{ name: n1, idc: idc-a }, { name: n2, idc: idc-b, role: standby }]', '    backup: { every: 10s, storage: { idc: idc-s } }\n    failover: { kind: restore, idc: idc-r }\n');
    assert.match(problemAt(restore, 'groups[0].failover.idc', 'idc-r'), /unknown IDC "idc-r"/);
    assert.match(problemAt(restore, 'groups[0].backup.storage.idc', 'idc-s'), /unknown IDC "idc-s"/);
    const sentinel = `${IDCS}groups:\n  - name: c\n    kind: redis\n    nodes: [{ name: r1, idc: idc-a }]\n    failover:\n      kind: sentinel\n      sentinels: [{ idc: idc-a }, { idc: idc-y }]\n${CLIENT_A}`;
    assert.match(problemAt(sentinel, 'groups[0].failover.sentinels[1].idc', 'idc-y'), /unknown IDC "idc-y"/);
  });

  test('a Sentinel quorum larger than the Sentinels, and Sentinel failover without Sentinels', () => {
    const redis = (failover: string): string => `${IDCS}groups:\n  - name: c\n    kind: redis\n    nodes: [{ name: r1, idc: idc-a }]\n    failover:\n${failover}${CLIENT_A}`;
    assert.match(problemAt(redis('      kind: sentinel\n      sentinels: [{ idc: idc-a }, { idc: idc-b }]\n      quorum: 3\n'), 'groups[0].failover.quorum', 'quorum: 3'), /quorum 3 is more than the 2 sentinels; no failover could ever be agreed/);
    assert.match(problemAt(redis('      kind: sentinel\n'), 'groups[0].failover.sentinels', 'kind: sentinel'), /Sentinel failover needs sentinels, e\.g\. \[\{ idc: idc-a \}/);
    // A quorum equal to the Sentinels is strict but possible.
    assert.doesNotThrow(() => parseScenario(redis('      kind: sentinel\n      sentinels: [{ idc: idc-a }, { idc: idc-b }]\n      quorum: 2\n'), FILE, KIND_MODELS));
  });

  test('a made-up Sentinel name too long to be a container name asks for a name of its own', () => {
    const text = `${IDCS}groups:\n  - name: a-long-cache-group-name\n    kind: redis\n    nodes: [{ name: r1, idc: idc-a }]\n    failover: { kind: sentinel, sentinels: [{ idc: idc-a }] }\n${CLIENT_A}`;
    assert.match(problemAt(text, 'groups[0].failover.sentinels[0]', 'sentinels'), /"a-long-cache-group-name-sentinel-idc-a" is 38 characters long; a name is at most 24; give it a shorter "name" of its own/);
  });

  test('two primaries in a one-writer group, or two masters', () => {
    assert.match(problemAt(mysql('[{ name: n1, idc: idc-a, role: primary }, { name: n2, idc: idc-b, role: primary }]'), 'groups[0].nodes', 'nodes:'), /2 nodes have role primary; exactly one may \(the others replicate from it\)/);
    const redis = `${IDCS}groups:\n  - name: c\n    kind: redis\n    nodes: [{ name: r1, idc: idc-a, role: master }, { name: r2, idc: idc-b, role: master }]\n${CLIENT_A}`;
    assert.match(problemAt(redis, 'groups[0].nodes', 'nodes:'), /2 nodes have role master; exactly one may/);
  });

  test('a role the kind does not have', () => {
    const redis = `${IDCS}groups:\n  - name: c\n    kind: redis\n    nodes:\n      - { name: r1, idc: idc-a, role: primary }\n${CLIENT_A}`;
    assert.match(problemAt(redis, 'groups[0].nodes[0].role', 'role: primary'), /a redis node's role is one of master, replica, standby, not "primary"/);
    const galera = `${IDCS}groups:\n  - name: g\n    kind: galera\n    nodes:\n      - { name: g1, idc: idc-a, role: replica }\n      - { name: g2, idc: idc-b }\n${CLIENT_A}`;
    assert.match(problemAt(galera, 'groups[0].nodes[0].role', 'role: replica'), /a galera node's role is one of member, not "replica"/);
  });

  test('restore failover without a backup, or without a standby to restore onto', () => {
    const noBackup = mysql('[{ name: n1, idc: idc-a }, { name: n2, idc: idc-b, role: standby }]', '    failover: { kind: restore }\n');
    assert.match(problemAt(noBackup, 'groups[0].failover.kind', 'kind: restore'), /restore needs a "backup" on the group: there is nothing to restore without one/);
    const noStandby = mysql(TWO, '    backup: { every: 10s, storage: { idc: idc-b } }\n    failover: { kind: restore }\n');
    assert.match(problemAt(noStandby, 'groups[0].nodes', 'nodes:'), /restore needs a node with role "standby" to restore the backup onto/);
  });

  test('a standby node without restore failover', () => {
    assert.match(problemAt(mysql('[{ name: n1, idc: idc-a }, { name: n2, idc: idc-b, role: standby }]'), 'groups[0].nodes', 'nodes:'), /standby nodes hold data only once a backup is restored onto them: they need failover kind "restore"/);
  });

  test('bidirectional replication needs two primaries and nothing but primaries', () => {
    const bi = (nodes: string): string => mysql(nodes).replace('kind: mysql\n', 'kind: mysql\n    replication: bidirectional\n');
    assert.match(problemAt(bi('[{ name: n1, idc: idc-a }]'), 'groups[0].nodes', 'nodes:'), /bidirectional replication needs at least 2 primaries/);
    assert.match(problemAt(bi('[{ name: n1, idc: idc-a }, { name: n2, idc: idc-b, role: replica }]'), 'groups[0].nodes', 'nodes:'), /in bidirectional replication every node is a primary/);
  });

  test('a Galera cluster of one node, or on an image that is not MariaDB', () => {
    const galera = (nodes: string, image = ''): string => `${IDCS2}groups:\n  - name: g\n    kind: galera\n${image}    nodes: ${nodes}\n${CLIENT_A}`;
    assert.match(problemAt(galera('[{ name: g1, idc: idc-a }]'), 'groups[0].nodes', 'nodes:'), /a Galera cluster needs at least 2 nodes \(3 or more to survive the loss of one\)/);
    assert.match(problemAt(galera(TWO, '    image: mysql:8.4\n'), 'groups[0].image', 'image:'), /Galera needs MariaDB: use hadrill's own image or a mariadb image, not "mysql:8\.4"/);
    assert.doesNotThrow(() => parseScenario(galera(TWO, '    image: mariadb:11.4\n'), FILE, KIND_MODELS));
  });

  test('a failover kind the group\'s kind does not have', () => {
    assert.match(problemAt(mysql(TWO, '    failover: { kind: sentinel, sentinels: [{ idc: idc-c }] }\n'), 'groups[0].failover.kind', 'kind: sentinel'), /a mysql group's failover is one of manager, mha, restore, none, not "sentinel"/);
    const galera = `${IDCS}groups:\n  - name: g\n    kind: galera\n    nodes: ${TWO}\n    failover: { kind: manager }\n${CLIENT_A}`;
    const error = rejected(galera);
    assert.match(error.problems.map((p) => `${p.path}: ${p.message}`).join('\n'), /groups\[0\]\.failover\.kind: a galera group's failover is one of quorum, not "manager"/);
    const redis = `${IDCS}groups:\n  - name: c\n    kind: redis\n    nodes: [{ name: r1, idc: idc-a }]\n    failover: { kind: manager }\n${CLIENT_A}`;
    assert.match(problemAt(redis, 'groups[0].failover.kind', 'kind: manager'), /a redis group's failover is one of sentinel, restore, none, not "manager"/);
  });

  test('failover machinery for a group whose every node takes writes', () => {
    const bi = mysql(TWO, '    failover: { kind: manager }\n').replace('kind: mysql\n', 'kind: mysql\n    replication: bidirectional\n');
    assert.match(problemAt(bi, 'groups[0].failover.kind', 'kind: manager'), /a group whose every node takes writes has no writer to fail over: failover kind "none"/);
  });

  test('a failover setting that belongs to another failover kind', () => {
    const text = mysql(TWO, '    failover:\n      kind: manager\n      quorum: 2\n');
    assert.match(problemAt(text, 'groups[0].failover.quorum', 'quorum: 2'), /"quorum" is not a setting of failover kind "manager"/);
    const restore = mysql('[{ name: n1, idc: idc-a }, { name: n2, idc: idc-b, role: standby }]', '    backup: { every: 10s, storage: { idc: idc-b } }\n    failover:\n      kind: restore\n      prefer: same-city\n');
    assert.match(problemAt(restore, 'groups[0].failover.prefer', 'prefer:'), /"prefer" is not a setting of failover kind "restore"/);
    const none = mysql(TWO, '    failover:\n      kind: none\n      idc: idc-c\n');
    assert.match(problemAt(none, 'groups[0].failover.idc', 'idc: idc-c'), /"idc" is not a setting of failover kind "none"/);
  });

  test('a replication setting on a group that is not mysql', () => {
    const text = `${IDCS}groups:\n  - name: c\n    kind: redis\n    replication: async\n    nodes: [{ name: r1, idc: idc-a }]\n${CLIENT_A}`;
    assert.match(problemAt(text, 'groups[0].replication', 'replication: async'), /redis groups have no "replication" setting; it is for mysql groups/);
  });

  test('two groups with one name', () => {
    const text = `${IDCS}groups:\n  - { name: db, kind: redis, nodes: [{ name: r1, idc: idc-a }] }\n  - { name: db, kind: redis, nodes: [{ name: r2, idc: idc-a }] }\n${CLIENT_A}`;
    assert.match(problemAt(text, 'groups', 'name: db'), /two groups are named "db"; group names must be unique/);
  });

  test('every problem of every group is reported at once', () => {
    const text = `${IDCS}groups:\n  - name: db\n    kind: mysql\n    nodes: [{ name: n1, idc: idc-q, role: primary }, { name: n2, idc: idc-a, role: primary }]\n  - name: c\n    kind: redis\n    nodes: [{ name: r1, idc: idc-a }]\n    failover: { kind: sentinel, sentinels: [{ idc: idc-a }], quorum: 2 }\n${CLIENT_A}`;
    assert.deepEqual(rejected(text).problems.map((p) => p.path), ['groups[0].nodes[0].idc', 'groups[0].nodes', 'groups[1].failover.quorum']);
  });
});

describe('route problems', () => {
  const BI = `${IDCS}groups:\n  - { name: db, kind: mysql, replication: bidirectional, nodes: [{ name: n1, idc: idc-a }, { name: n2, idc: idc-b }] }\n`;

  test('local writes from an IDC where the group has no node', () => {
    const text = `${BI}workload:\n  clients: [{ idc: idc-a }, { idc: idc-c }]\n  groups:\n    - { group: db, writes: local }\n`;
    assert.match(problemAt(text, 'workload.groups[0].writes', 'writes: local'), /local writes need a writable node of "db" in every IDC they come from; none in idc-c \(narrow "from", or write through the "writer"\)/);
    // Narrowing `from` to the IDCs with a node is the fix.
    assert.doesNotThrow(() => parseScenario(text.replace('writes: local }', 'writes: local, from: [idc-a, idc-b] }'), FILE, KIND_MODELS));
  });

  test('a local write needs a writable node: a replica in the client\'s IDC is not one', () => {
    const text = `${IDCS}groups:\n  - { name: c, kind: redis, nodes: [{ name: r1, idc: idc-a }, { name: r2, idc: idc-b }] }\nworkload:\n  clients: [{ idc: idc-a }]\n  groups:\n    - { group: c, writes: local, from: [idc-a, idc-b] }\n`;
    assert.match(problemAt(text, 'workload.groups[0].writes', 'writes: local'), /none in idc-b/);
  });

  test('the default local route of a multi-writer group is checked too, at the workload', () => {
    const [p, ...more] = rejected(`${BI}workload:\n  clients: [{ idc: idc-c }]\n`).problems;
    assert.deepEqual(more, []);
    // Located at the workload section, as there is no entry of the group's to point at.
    assert.ok(p && p.path.startsWith('workload') && p.line === 6, JSON.stringify(p));
    assert.match(p.message, /local writes need a writable node of "db" in every IDC they come from; none in idc-c/);
  });

  test('by default a client reads the group\'s node in its own IDC where there is one, and nothing where there is none', () => {
    const text = `${IDCS}groups:\n  - { name: c, kind: redis, nodes: [{ name: r1, idc: idc-a }] }\nworkload:\n  clients: [{ idc: idc-a }, { idc: idc-b }]\n`;
    assert.deepEqual(parseScenario(text, FILE, KIND_MODELS).workload.groups.map((w) => [w.reads, w.readsPerSecond]), [['local', 10]]);
    // Asked for in so many words, local reads from idc-b are a promise the scenario cannot keep.
    assert.match(problemAt(`${text}  groups: [{ group: c, reads: local }]\n`, 'workload.groups[0].reads', 'reads: local'), /none in idc-b/);
  });

  test('local writes are not checked for a group that is not written: a replica serves its local reads', () => {
    const text = `${IDCS}groups:\n  - { name: db, kind: mysql, nodes: [{ name: n1, idc: idc-a }, { name: n2, idc: idc-c }] }\nworkload:\n  clients: [{ idc: idc-c }]\n  groups: [{ group: db, writesPerSecond: 0, writes: local }]\n`;
    const s = parseScenario(text, FILE, KIND_MODELS);
    assert.deepEqual([s.workload.groups[0]?.writesPerSecond, s.groups[0]?.nodes.find((n) => n.idc === 'idc-c')?.role], [0, 'replica']);
  });

  test('routes are checked in the IDCs the group\'s clients are in: by default every IDC is named, also those without clients', () => {
    // idc-c has no node of the group and no client: nothing is read or written there.
    const s = parseScenario(`${BI}workload:\n  clients: [{ idc: idc-a }, { idc: idc-b }]\n`, FILE, KIND_MODELS);
    assert.deepEqual(s.workload.groups[0]?.from, ['idc-a', 'idc-b', 'idc-c']);
    // Named in "from", an IDC is checked whether or not it has clients.
    const named = `${BI}workload:\n  clients: [{ idc: idc-a }]\n  groups:\n    - { group: db, writes: local, reads: none, from: [idc-a, idc-c] }\n`;
    assert.match(problemAt(named, 'workload.groups[0].writes', 'writes: local'), /none in idc-c/);
  });

  test('writes through the data access layer without a dal section', () => {
    const text = `${BI}workload:\n  clients: [{ idc: idc-a }]\n  groups:\n    - { group: db, writes: dal, from: [idc-a] }\n`;
    assert.match(problemAt(text, 'workload.groups[0].writes', 'writes: dal'), /writes through the data access layer need a "dal" section that routes group "db"/);
  });

  test('writes through a data access layer that does not route the group', () => {
    const text = `${BI}  - { name: other, kind: mysql, replication: bidirectional, nodes: [{ name: o1, idc: idc-a }, { name: o2, idc: idc-b }] }
dal: { zones: [{ idc: idc-a }, { idc: idc-b }], shards: 2, controller: { idc: idc-a }, sharded: db }
workload:
  clients: [{ idc: idc-a }]
  groups:
    - { group: other, writes: dal, from: [idc-a] }
`;
    assert.match(problemAt(text, 'workload.groups[0].writes', 'writes: dal'), /need a "dal" section that routes group "other"/);
  });

  test('writes to "the writer" of a group that has none', () => {
    const text = `${BI}workload:\n  clients: [{ idc: idc-a }]\n  groups:\n    - { group: db, writes: writer, from: [idc-a] }\n`;
    assert.match(problemAt(text, 'workload.groups[0].writes', 'writes: writer'), /group "db" takes writes on every node and has no single writer: write "local" or through the "dal"/);
  });

  test('workload entries for an unknown group, twice for one group, or from an unknown IDC', () => {
    const text = `${BI}workload:
  clients: [{ idc: idc-a }]
  groups:
    - { group: db, from: [idc-a] }
    - { group: nope }
    - { group: db, from: [idc-w] }
`;
    assert.match(problemAt(text, 'workload.groups[1].group', 'group: nope'), /unknown group "nope"; groups: db/);
    assert.match(problemAt(text, 'workload.groups[2].group', 'idc-w'), /group "db" has two workload entries/);
    assert.match(problemAt(text, 'workload.groups[2].from[0]', 'idc-w'), /unknown IDC "idc-w"/);
  });
});

describe('data access layer problems', () => {
  const scenario = (dal: string, groups = ''): string => `${IDCS}groups:
  - { name: sh, kind: mysql, replication: bidirectional, nodes: [{ name: s-a, idc: idc-a }, { name: s-b, idc: idc-b }] }
  - { name: one, kind: mysql, nodes: [{ name: o-a, idc: idc-a }, { name: o-b, idc: idc-b }] }
${groups}dal:
${dal}workload:
  clients: [{ idc: idc-a }, { idc: idc-b }]
  groups: [{ group: sh, from: [idc-a, idc-b] }, { group: one, writes: writer }]
`;
  const ZONES = '  zones: [{ idc: idc-a }, { idc: idc-b }]\n  controller: { idc: idc-c }\n';

  test('defaults: zones named after their IDC, shards split evenly in turn, the controller named dal-controller, clients routed through the dal', () => {
    const s = parseScenario(scenario(`${ZONES}  shards: 5\n  sharded: sh\n`), FILE, KIND_MODELS);
    assert.deepEqual(s.dal, {
      zones: [{ name: 'dal-idc-a', idc: 'idc-a' }, { name: 'dal-idc-b', idc: 'idc-b' }],
      shards: 5,
      homes: { 'dal-idc-a': [0, 2, 4], 'dal-idc-b': [1, 3] },
      controller: { name: 'dal-controller', idc: 'idc-c' },
      shardedGroup: 'sh',
      globalGroup: null,
    });
    assert.equal(s.workload.groups[0]?.writes, 'dal', 'the sharded group is written through the dal unless told otherwise');
  });

  test('sharded data in a group with one writer', () => {
    assert.match(problemAt(scenario(`${ZONES}  shards: 2\n  sharded: one\n`), 'dal.sharded', 'sharded: one'), /group "one" has one writer; sharded data needs a group that takes writes in every zone \(bidirectional or galera\)/);
  });

  test('a zone that homes shards where the sharded group has no writable node; a zone that homes none only routes', () => {
    const three = `  zones: [{ idc: idc-a }, { idc: idc-b }, { idc: idc-c }]\n  controller: { idc: idc-c }\n  shards: 3\n  sharded: sh\n`;
    assert.match(problemAt(scenario(three), 'dal.sharded', 'sharded: sh'), /group "sh" has no writable node in zone dal-idc-c \(idc-c\), which homes shards/);
    const homes = `${three}  homes: { dal-idc-a: [0, 2], dal-idc-b: [1] }\n`;
    assert.equal(parseScenario(scenario(homes), FILE, KIND_MODELS).dal?.homes['dal-idc-c'], undefined);
  });

  test('homes that miss a shard, home one twice, name an unknown zone or a shard that does not exist', () => {
    const text = scenario(`${ZONES}  shards: 3\n  sharded: sh\n  homes:\n    dal-idc-a: [0, 1]\n    dal-idc-b: [1, 7]\n    zone-q: []\n`);
    const found = rejected(text).problems.map((p) => `${p.path}: ${p.message}`);
    assert.ok(found.includes('dal.homes.zone-q: unknown zone "zone-q"; zones: dal-idc-a, dal-idc-b'), found.join('\n'));
    assert.ok(found.includes('dal.homes.dal-idc-b: shard 7 does not exist: shards are 0 to 2'), found.join('\n'));
    assert.ok(found.includes('dal.homes: shard 1 is homed in 2 zones; every shard has exactly one home'), found.join('\n'));
    assert.ok(found.includes('dal.homes: shard 2 is homed in 0 zones; every shard has exactly one home'), found.join('\n'));
  });

  test('two zones in one IDC, and zones or a controller in unknown IDCs', () => {
    assert.match(problemAt(scenario('  zones: [{ idc: idc-a }, { name: z2, idc: idc-a }]\n  controller: { idc: idc-c }\n  shards: 1\n  sharded: sh\n'), 'dal.zones[1].idc', 'zones:'), /two zones are in IDC "idc-a"; a zone is one IDC/);
    const unknown = scenario('  zones: [{ idc: idc-a }, { idc: idc-v }]\n  controller: { idc: idc-u }\n  shards: 1\n  sharded: sh\n');
    assert.match(problemAt(unknown, 'dal.zones[1].idc', 'idc-v'), /unknown IDC "idc-v"/);
    assert.match(problemAt(unknown, 'dal.controller.idc', 'idc-u'), /unknown IDC "idc-u"/);
  });

  test('an unknown sharded or global group', () => {
    const text = scenario(`${ZONES}  shards: 2\n  sharded: shx\n  global: glx\n`);
    assert.match(problemAt(text, 'dal.sharded', 'sharded: shx'), /unknown group "shx"; groups: sh, one/);
    assert.match(problemAt(text, 'dal.global', 'global: glx'), /unknown group "glx"; groups: sh, one/);
  });
});

// Scenarios the parser once accepted and the planner then turned into
// something that cannot work: each is refused, its first problem at the
// place to fix, saying what to do.
describe('scenarios that could not work are refused where the mistake is written', () => {
  const firstPath = (text: string): string => rejected(text).problems[0]?.path ?? '';

  test('a one-writer group whose nodes are all replicas is refused: it has no writer to start from', () => {
    const text = `${IDCS}groups:\n  - { name: db, kind: mysql, nodes: [{ name: n1, idc: idc-a, role: replica }, { name: n2, idc: idc-b, role: replica }] }\n${CLIENT_A}`;
    assert.equal(firstPath(text), 'groups[0].nodes');
    assert.match(problemAt(text, 'groups[0].nodes', 'nodes:'), /no node has role primary: the group has no writer to start from and its replicas nothing to follow; give one node role primary \(or leave the first node's role out\)/);
    // Redis, too; and a first node without a role is the writer whatever the others are.
    const redis = `${IDCS}groups:\n  - name: c\n    kind: redis\n    nodes: [{ name: r1, idc: idc-a, role: replica }, { name: r2, idc: idc-b }]\n${CLIENT_A}`;
    assert.match(problemAt(redis, 'groups[0].nodes', 'nodes:'), /no node has role master/);
    assert.deepEqual(group(redis.replace(', role: replica }, { name: r2, idc: idc-b }', ' }, { name: r2, idc: idc-b, role: replica }'), 'c').nodes.map((n) => n.role), ['master', 'replica']);
  });

  test('a cold backup on an image other than hadrill\'s is refused by the parser, not by the planner', () => {
    const text = `${IDCS}groups:\n  - { name: db, kind: mysql, image: 'mariadb:11', nodes: [{ name: n1, idc: idc-a }, { name: n2, idc: idc-b, role: standby }], backup: { every: 10s, storage: { idc: idc-b } }, failover: { kind: restore } }\n${CLIENT_A}`;
    assert.match(firstPath(text), /^groups\[0\]/);
    assert.match(problemAt(text, 'groups[0].backup', 'backup:'), /a cold backup runs hadrill's backup programs inside the nodes: it needs hadrill's own image \(image: hadrill\), not "mariadb:11"/);
  });

  test('a backup on a Galera group is refused: no Galera node is ever backed up', () => {
    const text = `${IDCS2}groups:\n  - { name: g, kind: galera, nodes: [{ name: g1, idc: idc-a }, { name: g2, idc: idc-b }], backup: { every: 10s, storage: { idc: idc-b } } }\n${CLIENT_A}`;
    assert.equal(firstPath(text), 'groups[0].backup');
    assert.match(problemAt(text, 'groups[0].backup', 'backup:'), /a Galera group takes no cold backup: every node takes writes and a returning node rejoins by state transfer; remove "backup"/);
  });

  test('writes through the data access layer from an IDC with no zone are refused', () => {
    const text = `${IDCS}groups:\n  - { name: sh, kind: mysql, replication: bidirectional, nodes: [{ name: s-a, idc: idc-a }, { name: s-b, idc: idc-b }] }\ndal: { zones: [{ idc: idc-a }, { idc: idc-b }], shards: 2, controller: { idc: idc-a }, sharded: sh }\nworkload:\n  clients: [{ idc: idc-c }]\n  groups: [{ group: sh, reads: none }]\n`;
    assert.match(firstPath(text), /^(workload|dal)/);
    assert.match(problemAt(text, 'workload.groups[0].writes', 'group: sh'), /writes through the data access layer go to its router in the client's own IDC; the "dal" has no zone in idc-c \(add a zone there, or narrow "from"\)/);
    // A zone in the client's IDC is the fix, even one that homes no shard and only routes.
    assert.doesNotThrow(() => parseScenario(text.replace('{ idc: idc-b }], shards', '{ idc: idc-b }, { idc: idc-c }], homes: { dal-idc-a: [0], dal-idc-b: [1] }, shards'), FILE, KIND_MODELS));
  });

  test('local reads from an IDC where the group has no readable node are refused, as local writes are', () => {
    const text = `${IDCS}groups:\n  - { name: c, kind: redis, nodes: [{ name: r1, idc: idc-a }] }\nworkload:\n  clients: [{ idc: idc-b }]\n  groups: [{ group: c, reads: local }]\n`;
    assert.equal(firstPath(text), 'workload.groups[0].reads');
    assert.match(problemAt(text, 'workload.groups[0].reads', 'reads: local'), /local reads need a node of "c" holding data in every IDC they come from; none in idc-b \(narrow "from", read from the "writer", or set reads: none\)/);
    assert.doesNotThrow(() => parseScenario(text.replace('reads: local', 'reads: writer'), FILE, KIND_MODELS));
    // An empty standby is no node to read.
    const standby = `${IDCS}groups:\n  - { name: db, kind: mysql, nodes: [{ name: n1, idc: idc-a }, { name: n2, idc: idc-b, role: standby }], backup: { every: 10s, storage: { idc: idc-c } }, failover: { kind: restore } }\nworkload:\n  clients: [{ idc: idc-b }]\n  groups: [{ group: db, reads: local }]\n`;
    assert.match(problemAt(standby, 'workload.groups[0].reads', 'reads: local'), /none in idc-b/);
  });

  test('writer reads of a group with no single writer are refused', () => {
    const text = `${IDCS2}groups:\n  - { name: g, kind: galera, nodes: [{ name: g1, idc: idc-a }, { name: g2, idc: idc-b }] }\nworkload:\n  clients: [{ idc: idc-a }]\n  groups: [{ group: g, reads: writer }]\n`;
    assert.equal(firstPath(text), 'workload.groups[0].reads');
    assert.match(problemAt(text, 'workload.groups[0].reads', 'reads: writer'), /group "g" takes writes on every node and has no single writer to read from: read "local", or set reads: none/);
  });

  test('a name used twice is reported where it is used the second time', () => {
    const text = `${IDCS}groups:\n  - { name: db, kind: mysql, nodes: [{ name: n1, idc: idc-a }] }\n  - { name: c, kind: redis, nodes: [{ name: n1, idc: idc-b }] }\n${CLIENT_A}`;
    assert.equal(firstPath(text), 'groups[1].nodes[0].name');
    assert.match(problemAt(text, 'groups[1].nodes[0].name', 'name: c'), /the name "n1" is used by two nodes, machinery containers or clients; names must be unique/);
  });

  test('a name made up for machinery or a client is reported where a name of its own would be written', () => {
    const TWO = '[{ name: n1, idc: idc-a }, { name: db-manager, idc: idc-b }]';
    const manager = `${IDCS}groups:\n  - name: db\n    kind: mysql\n    nodes: ${TWO}\n    failover: { kind: manager, idc: idc-c }\n${CLIENT_A}`;
    assert.match(problemAt(manager, 'groups[0].failover.name', 'failover:'), /the name "db-manager" is used by two/);
    const client = `${IDCS}groups:\n  - { name: db, kind: mysql, nodes: [{ name: app-idc-a, idc: idc-a }] }\n${CLIENT_A}`;
    assert.match(problemAt(client, 'workload.clients[0].name', 'clients:'), /the name "app-idc-a" is used by two/);
    const sentinel = `${IDCS}groups:\n  - name: c\n    kind: redis\n    nodes: [{ name: r1, idc: idc-a }]\n    failover: { kind: sentinel, sentinels: [{ idc: idc-a }, { name: r1, idc: idc-b }] }\n${CLIENT_A}`;
    assert.match(problemAt(sentinel, 'groups[0].failover.sentinels[1].name', 'sentinels:'), /the name "r1" is used by two/);
    // The router is every scenario's: whatever else takes its name is the second.
    const router = `${IDCS}mysql:\n  nodes: [{ name: n1, idc: idc-a }, { name: router, idc: idc-b }]\n${CLIENT_A}`;
    assert.match(problemAt(router, 'mysql.nodes[1].name', 'name: router'), /the name "router" is used by two nodes, machinery containers or clients; names must be unique \("router" is hadrill's router between IDCs\)/);
  });

  test('an IDC that would hold more containers than its network has addresses for is refused, naming the count and the limit', () => {
    // Every container below is in idc-b: nodes, a manager, Sentinels, clients; one more than fits.
    const nodes = 30;
    const sentinels = 16;
    const managers = 7;
    const clients = IDC_CAPACITY + 1 - nodes * managers - managers - sentinels;
    assert.ok(clients > 0 && clients <= 64, 'the schema allows this many clients');
    const mysql = (g: number): string => `  - { name: db${g}, kind: mysql, nodes: [${Array.from({ length: nodes }, (_, n) => `{ name: d${g}-${n}, idc: idc-b }`).join(', ')}], failover: { kind: manager, idc: idc-b } }`;
    const text = `${IDCS}groups:
${Array.from({ length: managers }, (_, g) => mysql(g)).join('\n')}
  - { name: c, kind: redis, nodes: [{ name: r1, idc: idc-a }], failover: { kind: sentinel, sentinels: [${Array.from({ length: sentinels }, () => '{ idc: idc-b }').join(', ')}] } }
workload:
  clients: [${Array.from({ length: clients }, () => '{ idc: idc-b }').join(', ')}]
  groups: [{ group: c, from: [idc-a] }]
`;
    const message = problemAt(text, 'idcs[1]', 'idc-b');
    assert.ok(message.includes(`IDC "idc-b" would hold ${IDC_CAPACITY + 1} containers`) && message.includes(`its network has addresses for ${IDC_CAPACITY}`) && message.endsWith('place some of them in another IDC'), message);
    // One container fewer fits.
    assert.doesNotThrow(() => parseScenario(text.replace('clients: [{ idc: idc-b }, ', 'clients: ['), FILE, KIND_MODELS));
    // The schema tells editors the same limit.
    const schema = JSON.parse(readFileSync(join(ROOT, 'schema', 'scenario.schema.json'), 'utf8')) as { properties: { idcs: { description: string } } };
    assert.match(schema.properties.idcs.description, new RegExp(`at most ${IDC_CAPACITY} containers`));
  });
});
