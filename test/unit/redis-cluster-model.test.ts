// A redis-cluster group read by the real scenario parser (model.ts): its defaults, given settings,
// and each refusal (too few masters, a replica beside its master, backup, Sentinel, foreign settings, image) at its path.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ScenarioError } from '../../src/core/errors.js';
import { parseScenario } from '../../src/core/scenario/parse-scenario.js';
import type { Group, GroupNode } from '../../src/core/scenario/scenario.js';
import { clusterSettings, MIN_MASTERS, redisClusterModel, replicaPairs } from '../../src/datastores/redis-cluster/model.js';
import { KIND_MODELS } from '../../src/datastores/registry.js';
import { problemAtPath, rejectedScenario } from '../support/scenario-problems.js';

const FILE = 'scenarios/cluster.yaml';
const IDCS = 'name: t\nidcs: [{ name: idc-a }, { name: idc-b }, { name: idc-c }]\n';
const WORKLOAD = 'workload: { clients: [{ idc: idc-a }, { idc: idc-b }, { idc: idc-c }] }\n';

/** Three masters, one per IDC, and a replica of each in the next IDC (the n-th replica follows the n-th master). */
const SIX_NODES = `      - { name: m-a, idc: idc-a, role: master }
      - { name: m-b, idc: idc-b, role: master }
      - { name: m-c, idc: idc-c, role: master }
      - { name: r-a, idc: idc-b, role: replica }
      - { name: r-b, idc: idc-c, role: replica }
      - { name: r-c, idc: idc-a, role: replica }
`;

/** A scenario with one redis-cluster group "cache": its nodes, then any further lines of the group. */
const cluster = (nodes: string = SIX_NODES, extra = ''): string => `${IDCS}groups:\n  - name: cache\n    kind: redis-cluster\n${extra}    nodes:\n${nodes}${WORKLOAD}`;

const parsedGroup = (text: string): Group => {
  const g = parseScenario(text, FILE, KIND_MODELS).groups.find((x) => x.name === 'cache');
  assert.ok(g, 'no group cache');
  return g;
};

const rejected = (text: string): ScenarioError => rejectedScenario(text, FILE);

const problemAt = (text: string, path: string, onLine: string): string => problemAtPath(text, FILE, path, onLine);

describe('a valid redis-cluster group', () => {
  test('three masters and three replicas parse, in order, with their roles', () => {
    const g = parsedGroup(cluster());
    assert.equal(g.kind, 'redis-cluster');
    assert.deepEqual(
      g.nodes.map((n) => [n.name, n.idc, n.role]),
      [
        ['m-a', 'idc-a', 'master'],
        ['m-b', 'idc-b', 'master'],
        ['m-c', 'idc-c', 'master'],
        ['r-a', 'idc-b', 'replica'],
        ['r-b', 'idc-c', 'replica'],
        ['r-c', 'idc-a', 'replica'],
      ],
    );
  });

  test('its authority is sharded, its failover the cluster\'s own quorum, on hadrill\'s image, with no backup', () => {
    const g = parsedGroup(cluster());
    assert.equal(g.authority, 'sharded');
    assert.deepEqual(g.failover, { kind: 'quorum' });
    assert.equal(g.image, 'hadrill');
    assert.equal(g.backup, null);
  });

  test('settings default to cluster-node-timeout 3s, full coverage required, no append-only file', () => {
    assert.deepEqual(clusterSettings(parsedGroup(cluster())), { nodeTimeoutMs: 3000, requireFullCoverage: true, appendOnly: false });
  });

  test('given settings are read: clusterNodeTimeout, clusterRequireFullCoverage, appendOnly', () => {
    const g = parsedGroup(cluster(SIX_NODES, '    clusterNodeTimeout: 5s\n    clusterRequireFullCoverage: false\n    appendOnly: true\n'));
    assert.deepEqual(clusterSettings(g), { nodeTimeoutMs: 5000, requireFullCoverage: false, appendOnly: true });
    assert.equal(clusterSettings(parsedGroup(cluster(SIX_NODES, '    clusterNodeTimeout: 1500ms\n'))).nodeTimeoutMs, 1500);
  });

  test('failover kind quorum may be written out', () => {
    assert.deepEqual(parsedGroup(cluster(SIX_NODES, '    failover: { kind: quorum }\n')).failover, { kind: 'quorum' });
  });

  test('in the layout of scenarios/redis-cluster.yaml, r-a, r-b and r-c follow m-a, m-b and m-c', () => {
    const g = parsedGroup(cluster(SIX_NODES, '    clusterNodeTimeout: 3s\n'));
    assert.deepEqual(replicaPairs(g.nodes).map((p) => [p.replica.name, p.master.name]), [
      ['r-a', 'm-a'],
      ['r-b', 'm-b'],
      ['r-c', 'm-c'],
    ]);
  });

  test('a node without a role after the masters is a replica', () => {
    const g = parsedGroup(cluster(SIX_NODES.replace('{ name: r-b, idc: idc-c, role: replica }', '{ name: r-b, idc: idc-c }')));
    assert.equal(g.nodes.find((n) => n.name === 'r-b')?.role, 'replica');
  });
});

describe('replicaPairs and the model\'s constants', () => {
  const node = (name: string, idc: string, role: 'master' | 'replica'): GroupNode => ({ name, idc, role });

  test('the n-th replica follows the n-th master, wrapping round when there are more replicas', () => {
    const nodes = [node('m1', 'a', 'master'), node('r1', 'b', 'replica'), node('m2', 'b', 'master'), node('r2', 'c', 'replica'), node('m3', 'c', 'master'), node('r3', 'a', 'replica'), node('r4', 'c', 'replica')];
    assert.deepEqual(replicaPairs(nodes).map((p) => [p.replica.name, p.master.name]), [
      ['r1', 'm1'],
      ['r2', 'm2'],
      ['r3', 'm3'],
      ['r4', 'm1'],
    ]);
  });

  test('no masters, no pairs', () => {
    assert.deepEqual(replicaPairs([node('r1', 'a', 'replica')]), []);
  });

  test('at least three masters; roles master and replica; quorum failover only; no cold backup', () => {
    assert.equal(MIN_MASTERS, 3);
    assert.deepEqual([...redisClusterModel.roles], ['master', 'replica']);
    assert.deepEqual([...redisClusterModel.failovers], ['quorum']);
    assert.equal(redisClusterModel.writerRole, 'master');
    assert.ok(redisClusterModel.noColdBackup !== null);
  });
});

describe('a redis-cluster group refused', () => {
  test('two masters: a majority could not survive the loss of one', () => {
    const nodes = `      - { name: m-a, idc: idc-a, role: master }
      - { name: m-b, idc: idc-b, role: master }
      - { name: r-a, idc: idc-b, role: replica }
      - { name: r-b, idc: idc-c, role: replica }
`;
    // The problem points at the node list, whose first item is on the line after "nodes:".
    const message = problemAt(cluster(nodes), 'groups[0].nodes', 'name: m-a');
    assert.match(message, /a Redis Cluster needs at least 3 masters \(give 3 nodes role master\), so that a majority survives the loss of one; it has 2/);
  });

  test('a replica in the same IDC as the master it follows is refused at that replica\'s idc', () => {
    // r-b (the second replica) follows m-b (the second master), and is put in idc-b beside it.
    const text = cluster(SIX_NODES.replace('{ name: r-b, idc: idc-c, role: replica }', '{ name: r-b, idc: idc-b, role: replica }'));
    const message = problemAt(text, 'groups[0].nodes[4].idc', 'name: r-b');
    assert.match(message, /replica r-b replicates master m-b \(the n-th replica follows the n-th master\), which is in the same IDC idc-b: losing idc-b would leave that shard nothing to fail over to; place it in another IDC or reorder the nodes/);
    assert.equal(rejected(text).problems.length, 1, 'the other replicas are fine');
  });

  test('a wrapped-round replica beside the master it follows is refused too', () => {
    const text = cluster(`${SIX_NODES}      - { name: r-d, idc: idc-a, role: replica }\n`);
    assert.match(problemAt(text, 'groups[0].nodes[6].idc', 'name: r-d'), /replica r-d replicates master m-a .*same IDC idc-a/);
  });

  test('a replica in a master\'s IDC is fine when that is not the master it follows', () => {
    // r-c follows m-c (idc-c) and sits in idc-a beside m-a: allowed.
    assert.doesNotThrow(() => parseScenario(cluster(), FILE, KIND_MODELS));
  });

  test('a cold backup is refused: the masters hold different slots', () => {
    const message = problemAt(cluster(SIX_NODES, '    backup: { every: 1m, storage: { idc: idc-c } }\n'), 'groups[0].backup', 'backup:');
    assert.match(message, /a Redis Cluster group takes no cold backup: its masters hold different slots and a returning node rejoins as a replica; remove "backup"/);
  });

  test('Sentinel failover is refused: the cluster fails over by itself', () => {
    const text = cluster(SIX_NODES, '    failover: { kind: sentinel, sentinels: [{ idc: idc-a }, { idc: idc-b }, { idc: idc-c }] }\n');
    assert.match(problemAt(text, 'groups[0].failover.kind', 'kind: sentinel'), /a redis-cluster group's failover is one of quorum, not "sentinel"/);
  });

  test('a manager failover is refused too', () => {
    assert.match(problemAt(cluster(SIX_NODES, '    failover: { kind: manager }\n'), 'groups[0].failover.kind', 'kind: manager'), /failover is one of quorum, not "manager"/);
  });

  test('replication: async is refused with a message that it is for mysql groups', () => {
    const message = problemAt(cluster(SIX_NODES, '    replication: async\n'), 'groups[0].replication', 'replication: async');
    assert.match(message, /redis-cluster groups have no "replication" setting; it is for mysql groups/);
  });

  test('image: redis:7 is refused: the cluster is formed on hadrill\'s own image only', () => {
    const message = problemAt(cluster(SIX_NODES, '    image: redis:7\n'), 'groups[0].image', 'image: redis:7');
    assert.match(message, /a Redis Cluster is formed on hadrill's own image only .*; remove "image"/);
  });

  test('image: hadrill written out is accepted', () => {
    assert.equal(parsedGroup(cluster(SIX_NODES, '    image: hadrill\n')).image, 'hadrill');
  });

  test('a role the kind does not have (primary) is refused at that node\'s role', () => {
    const text = cluster(SIX_NODES.replace('{ name: m-a, idc: idc-a, role: master }', '{ name: m-a, idc: idc-a, role: primary }'));
    assert.match(problemAt(text, 'groups[0].nodes[0].role', 'role: primary'), /a redis-cluster node's role is one of master, replica, not "primary"/);
  });
});
