// One node's view of a Redis Cluster (host/cluster-nodes.ts), parsed from CLUSTER NODES and
// CLUSTER INFO text written as Redis 7 writes it: roles, masters, failure flags, slots, epochs.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { clusterViewOf, parseClusterInfo, parseClusterNodes, slotCount, type ClusterNode } from '../../src/datastores/redis-cluster/host/cluster-nodes.js';
import { M_A, M_B, M_C, R_A, R_B, R_C, NAMES } from '../support/redis-cluster-ids.js';

const STRANGER = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
const GHOST = 'd3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2';


/** m-a's view of a healthy cluster: three masters, each with a replica in another IDC. */
const HEALTHY = `${M_A} 10.20.1.11:6379@16379,m-a myself,master - 0 1765111918000 1 connected 0-5460
${M_B} 10.20.2.11:6379@16379,m-b master - 0 1765111918500 2 connected 5461-10922
${M_C} 10.20.3.11:6379@16379,m-c master - 0 1765111917900 3 connected 10923-16383
${R_A} 10.20.2.12:6379@16379,r-a slave ${M_A} 0 1765111918200 1 connected
${R_B} 10.20.3.12:6379@16379,r-b slave ${M_B} 0 1765111918300 2 connected
${R_C} 10.20.1.12:6379@16379,r-c slave ${M_C} 0 1765111918400 3 connected
`;

/**
 * r-a's view after idc-a lost power and r-a won the election (configEpoch 7):
 * m-a is failed and slotless, r-c (in idc-a too) is failed, m-c is only
 * suspected, a stranger is in handshake, and a node with no address yet.
 */
const AFTER_FAILOVER = `${R_A} 10.20.2.12:6379@16379,r-a myself,master - 0 0 7 connected 0-5460
${M_A} 10.20.1.11:6379@16379,m-a master,fail - 1765111920100 1765111919000 1 disconnected
${M_B} 10.20.2.11:6379@16379,m-b master - 0 1765111925500 2 connected 5461-10922
${M_C} 10.20.3.11:6379@16379,m-c master,fail? - 1765111924000 1765111921000 3 connected 10923-16383
${R_B} 10.20.3.12:6379@16379,r-b slave ${M_B} 0 1765111925300 2 connected
${R_C} 10.20.1.12:6379@16379,r-c slave,fail ${M_C} 1765111920100 1765111919000 3 disconnected
${STRANGER} 10.20.9.9:6379@16379 handshake - 1765111925000 0 0 disconnected
${GHOST} :0@0 master,fail,noaddr - 1765111900000 1765111899000 4 disconnected
`;

const INFO = [
  'cluster_state:ok',
  'cluster_slots_assigned:16384',
  'cluster_slots_ok:16384',
  'cluster_slots_pfail:0',
  'cluster_slots_fail:0',
  'cluster_known_nodes:6',
  'cluster_size:3',
  'cluster_current_epoch:6',
  'cluster_my_epoch:1',
  'cluster_stats_messages_sent:1483972',
  'cluster_stats_messages_received:1483968',
  'total_cluster_links_buffer_limit_exceeded:0',
  '',
].join('\r\n');

const byId = (nodes: ClusterNode[], id: string): ClusterNode => {
  const node = nodes.find((n) => n.id === id);
  assert.ok(node, `no node ${id}`);
  return node;
};

describe('parseClusterNodes', () => {
  test('a healthy cluster: one node per line, ids, addresses, ports', () => {
    const nodes = parseClusterNodes(HEALTHY);
    assert.deepEqual(nodes.map((n) => n.id), [M_A, M_B, M_C, R_A, R_B, R_C]);
    assert.deepEqual(nodes.map((n) => `${n.ip}:${n.port}`), ['10.20.1.11:6379', '10.20.2.11:6379', '10.20.3.11:6379', '10.20.2.12:6379', '10.20.3.12:6379', '10.20.1.12:6379']);
  });

  test('myself,master is a master and the view\'s own node; the others are not myself', () => {
    const nodes = parseClusterNodes(HEALTHY);
    const me = byId(nodes, M_A);
    assert.equal(me.role, 'master');
    assert.equal(me.myself, true);
    assert.deepEqual(me.flags, ['myself', 'master']);
    assert.deepEqual(nodes.filter((n) => n.myself).map((n) => n.id), [M_A]);
  });

  test('masters have masterId null; each slave is a replica naming its master\'s id', () => {
    const nodes = parseClusterNodes(HEALTHY);
    assert.deepEqual(
      nodes.map((n) => [n.id, n.role, n.masterId]),
      [
        [M_A, 'master', null],
        [M_B, 'master', null],
        [M_C, 'master', null],
        [R_A, 'replica', M_A],
        [R_B, 'replica', M_B],
        [R_C, 'replica', M_C],
      ],
    );
  });

  test('slot ranges are read inclusive, replicas serve none, and configEpoch is the 7th field', () => {
    const nodes = parseClusterNodes(HEALTHY);
    assert.deepEqual(byId(nodes, M_A).slots, [[0, 5460]]);
    assert.deepEqual(byId(nodes, M_B).slots, [[5461, 10922]]);
    assert.deepEqual(byId(nodes, M_C).slots, [[10923, 16383]]);
    assert.deepEqual(byId(nodes, R_A).slots, []);
    assert.deepEqual(nodes.map((n) => n.configEpoch), [1, 2, 3, 1, 2, 3]);
    assert.equal(nodes.reduce((sum, n) => sum + slotCount(n), 0), 16384, 'the three ranges cover every slot once');
  });

  test('nothing is failed or suspected and every link is connected in a healthy view', () => {
    const nodes = parseClusterNodes(HEALTHY);
    assert.ok(nodes.every((n) => !n.pfail && !n.fail && n.linkState === 'connected'));
  });

  test('names come from the names map by IP; a node whose IP is not in the map has no name (not the hostname)', () => {
    const nodes = parseClusterNodes(AFTER_FAILOVER, NAMES);
    assert.deepEqual(
      nodes.map((n) => n.name),
      ['r-a', 'm-a', 'm-b', 'm-c', 'r-b', 'r-c', undefined, undefined],
    );
    assert.ok(!('name' in byId(nodes, STRANGER)), 'no name key at all for an unknown address');
    assert.ok(parseClusterNodes(HEALTHY).every((n) => !('name' in n)), 'without a map, no names');
  });

  test('fail? is a suspicion (pfail), not a failure', () => {
    const m = byId(parseClusterNodes(AFTER_FAILOVER), M_C);
    assert.deepEqual(m.flags, ['master', 'fail?']);
    assert.equal(m.pfail, true);
    assert.equal(m.fail, false);
    assert.equal(m.role, 'master');
    assert.deepEqual(m.slots, [[10923, 16383]], 'a suspected master still holds its slots');
  });

  test('fail is a failure, not a suspicion; a failed master after failover holds no slots and its link is down', () => {
    const nodes = parseClusterNodes(AFTER_FAILOVER);
    const m = byId(nodes, M_A);
    assert.equal(m.fail, true);
    assert.equal(m.pfail, false);
    assert.equal(m.role, 'master');
    assert.deepEqual(m.slots, []);
    assert.equal(m.linkState, 'disconnected');
    assert.equal(m.configEpoch, 1);
    const r = byId(nodes, R_C);
    assert.deepEqual([r.role, r.masterId, r.fail, r.pfail], ['replica', M_C, true, false]);
  });

  test('the promoted replica is now myself,master with its old master\'s slots at the new configEpoch', () => {
    const me = byId(parseClusterNodes(AFTER_FAILOVER, NAMES), R_A);
    assert.deepEqual([me.name, me.role, me.myself, me.masterId, me.configEpoch], ['r-a', 'master', true, null, 7]);
    assert.deepEqual(me.slots, [[0, 5460]]);
  });

  test('a node in handshake has role unknown, no master and no slots', () => {
    const h = byId(parseClusterNodes(AFTER_FAILOVER), STRANGER);
    assert.deepEqual(h.flags, ['handshake']);
    assert.equal(h.role, 'unknown');
    assert.equal(h.masterId, null);
    assert.deepEqual(h.slots, []);
    assert.equal(h.configEpoch, 0);
    assert.deepEqual([h.ip, h.port], ['10.20.9.9', 6379]);
  });

  test('a noaddr node written :0@0 has an empty IP and port 0, and keeps its flags', () => {
    const g = byId(parseClusterNodes(AFTER_FAILOVER, NAMES), GHOST);
    assert.equal(g.ip, '');
    assert.equal(g.port, 0);
    assert.deepEqual(g.flags, ['master', 'fail', 'noaddr']);
    assert.equal(g.fail, true);
    assert.equal(g.name, undefined);
    assert.equal(g.configEpoch, 4);
  });

  test('single slots and several ranges on one line are each a range', () => {
    const [n] = parseClusterNodes(`${M_A} 10.20.1.11:6379@16379 myself,master - 0 0 5 connected 0-99 100 200-299 16383\n`);
    assert.deepEqual(n?.slots, [[0, 99], [100, 100], [200, 299], [16383, 16383]]);
    assert.equal(slotCount(n!), 100 + 1 + 100 + 1);
  });

  test('migrating [N->-id] and importing [N-<-id] entries are left out of the served slots', () => {
    const text = `${M_A} 10.20.1.11:6379@16379,m-a myself,master - 0 0 1 connected 0-92 94-5460 [93->-${M_B}]
${M_B} 10.20.2.11:6379@16379,m-b master - 0 1765111918500 2 connected 93 5461-10922 [5461-<-${M_C}]
`;
    const nodes = parseClusterNodes(text);
    assert.deepEqual(byId(nodes, M_A).slots, [[0, 92], [94, 5460]]);
    assert.deepEqual(byId(nodes, M_B).slots, [[93, 93], [5461, 10922]]);
  });

  test('an address without ,hostname (Redis before 7 or no hostname announced) reads the same', () => {
    const [a] = parseClusterNodes(`${M_A} 10.20.1.11:7001@17001 master - 0 0 1 connected 0-5460`);
    const [b] = parseClusterNodes(`${M_A} 10.20.1.11:7001@17001,m-a master - 0 0 1 connected 0-5460`);
    assert.deepEqual([a?.ip, a?.port], ['10.20.1.11', 7001]);
    assert.deepEqual(a, b);
  });

  test('nofailover is kept among the flags of a replica', () => {
    const [r] = parseClusterNodes(`${R_A} 10.20.2.12:6379@16379 slave,nofailover ${M_A} 0 1765111918200 1 connected`);
    assert.deepEqual(r?.flags, ['slave', 'nofailover']);
    assert.equal(r?.role, 'replica');
  });

  test('noflags means no flags at all, so role unknown', () => {
    const [n] = parseClusterNodes(`${STRANGER} 10.20.9.9:6379@16379 noflags - 0 0 0 connected`);
    assert.deepEqual(n?.flags, []);
    assert.equal(n?.role, 'unknown');
    assert.equal(n?.myself, false);
  });

  test('CRLF line ends, blank lines and surrounding spaces are tolerated', () => {
    const crlf = `\r\n${HEALTHY.split('\n').join('\r\n')}\r\n\r\n`;
    assert.deepEqual(parseClusterNodes(crlf), parseClusterNodes(HEALTHY));
    assert.deepEqual(parseClusterNodes(''), []);
  });

  test('a line with fewer than 8 fields is an error naming the line', () => {
    assert.throws(() => parseClusterNodes(`${M_A} 10.20.1.11:6379@16379 master - 0 0 1`), /CLUSTER NODES line has 7 fields, at least 8 expected/);
  });

  test('a slot field that is neither a slot nor a range is an error naming it', () => {
    assert.throws(() => parseClusterNodes(`${M_A} 10.20.1.11:6379@16379 master - 0 0 1 connected 0-abc`), /slot field "0-abc" is not a slot or a range/);
  });
});

describe('parseClusterInfo', () => {
  test('reads every name:value line, CRLF or LF', () => {
    const info = parseClusterInfo(INFO);
    assert.equal(info.cluster_state, 'ok');
    assert.equal(info.cluster_slots_assigned, '16384');
    assert.equal(info.cluster_current_epoch, '6');
    assert.equal(info.cluster_my_epoch, '1');
    assert.equal(info.total_cluster_links_buffer_limit_exceeded, '0');
    assert.equal(Object.keys(info).length, 12);
    assert.deepEqual(parseClusterInfo(INFO.replaceAll('\r\n', '\n')), info);
  });

  test('keeps everything after the first colon, and skips lines without a name', () => {
    assert.deepEqual(parseClusterInfo('a:b:c\n:nothing\nno colon\n'), { a: 'b:c' });
  });
});

describe('clusterViewOf', () => {
  test('a healthy view: myself, every node, state ok, epochs and assigned slots from CLUSTER INFO', () => {
    const view = clusterViewOf(HEALTHY, INFO, NAMES);
    assert.equal(view.myself.id, M_A);
    assert.equal(view.myself.name, 'm-a');
    assert.equal(view.nodes.length, 6);
    assert.equal(view.state, 'ok');
    assert.equal(view.currentEpoch, 6);
    assert.equal(view.slotsAssigned, 16384);
    assert.equal(view.myself, view.nodes[0], 'myself is one of the nodes, not a copy');
  });

  test('cluster_state:fail is state fail', () => {
    const view = clusterViewOf(AFTER_FAILOVER, INFO.replace('cluster_state:ok', 'cluster_state:fail').replace('cluster_current_epoch:6', 'cluster_current_epoch:7'), NAMES);
    assert.equal(view.state, 'fail');
    assert.equal(view.currentEpoch, 7);
    assert.equal(view.myself.name, 'r-a');
  });

  test('an empty CLUSTER INFO gives state fail, epoch 0 and no assigned slots', () => {
    const view = clusterViewOf(HEALTHY, '');
    assert.deepEqual([view.state, view.currentEpoch, view.slotsAssigned], ['fail', 0, 0]);
  });

  test('CLUSTER NODES without a myself line is an error', () => {
    assert.throws(() => clusterViewOf(HEALTHY.replace('myself,master', 'master'), INFO), /no line flagged myself/);
  });
});
