// Failover milestones from Redis Cluster nodes' logs (host/cluster-log.ts): each Redis 7.0 line
// it knows, UTC timestamps, detections deduplicated per failed node, and who won each election and why.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { clusterMilestones, parseClusterLog, type ClusterLogEvent } from '../../src/datastores/redis-cluster/host/cluster-log.js';
import { M_A, M_B, M_C, R_A, R_B, R_C } from '../support/redis-cluster-ids.js';

const NAME_OF_ID = new Map([
  [M_A, 'm-a'],
  [M_B, 'm-b'],
  [M_C, 'm-c'],
  [R_A, 'r-a'],
  [R_B, 'r-b'],
  [R_C, 'r-c'],
]);
const nameOfId = (id: string): string | undefined => NAME_OF_ID.get(id);
const MASTER_OF = new Map([
  ['r-a', 'm-a'],
  ['r-b', 'm-b'],
  ['r-c', 'm-c'],
]);
const masterOf = (node: string): string | undefined => MASTER_OF.get(node);

/** 07 Dec 2026 at 12:51:ss.mmm UTC, in epoch ms. */
const at = (seconds: number, millis: number): number => Date.UTC(2026, 11, 7, 12, 51, seconds, millis);

/** m-b, a master in idc-b, when idc-a loses power: it gathers the quorum and flags m-a FAIL, then votes for r-a. */
const M_B_LOG = `1:C 07 Dec 2026 12:50:01.002 # oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo
1:C 07 Dec 2026 12:50:01.002 # Redis version=7.0.15, bits=64, commit=00000000, modified=0, pid=1, just started
7:M 07 Dec 2026 12:50:01.010 * Ready to accept connections
7:M 07 Dec 2026 12:51:58.767 * Marking node ${M_A} as failing (quorum reached).
7:M 07 Dec 2026 12:51:58.767 # Cluster state changed: fail
7:M 07 Dec 2026 12:51:59.412 # Failover auth granted to ${R_A} for epoch 7
7:M 07 Dec 2026 12:51:59.490 # Cluster state changed: ok
`;

/** m-c hears of it from m-b. */
const M_C_LOG = `7:M 07 Dec 2026 12:51:58.768 * FAIL message received from ${M_B} about ${M_A}
7:M 07 Dec 2026 12:51:58.768 # Cluster state changed: fail
7:M 07 Dec 2026 12:51:59.411 # Failover auth granted to ${R_A} for epoch 7
7:M 07 Dec 2026 12:51:59.491 # Cluster state changed: ok
`;

/** r-a, m-a's replica in idc-b: hears of the failure, waits its rank's delay, wins at configEpoch 7. */
const R_A_LOG = `7:S 07 Dec 2026 12:51:56.001 # Connection with master lost.
7:S 07 Dec 2026 12:51:58.769 * FAIL message received from ${M_B} about ${M_A}
7:S 07 Dec 2026 12:51:58.770 # Start of election delayed for 638 milliseconds (rank #0, offset 10903).
7:S 07 Dec 2026 12:51:58.770 # Cluster state changed: fail
7:S 07 Dec 2026 12:51:59.410 # Starting a failover election for epoch 7.
7:S 07 Dec 2026 12:51:59.485 # Failover election won: I'm the new master.
7:S 07 Dec 2026 12:51:59.485 # configEpoch set to 7 after successful failover
7:M 07 Dec 2026 12:51:59.486 # Cluster state changed: ok
`;

function only<T>(items: T[]): T {
  assert.equal(items.length, 1, JSON.stringify(items));
  return items[0] as T;
}

describe('parseClusterLog', () => {
  test('timestamps are read as UTC, with the year and the milliseconds', () => {
    const [e] = parseClusterLog(`7:M 07 Dec 2026 12:51:58.767 * Marking node ${M_A} as failing (quorum reached).`);
    assert.equal(e?.at, Date.parse('2026-12-07T12:51:58.767Z'));
    assert.equal(e?.at, at(58, 767));
    const [jan] = parseClusterLog(`7:M 31 Jan 2027 00:00:00.001 # Cluster state changed: fail`);
    assert.equal(jan?.at, Date.parse('2027-01-31T00:00:00.001Z'));
  });

  test('a failing mark names the node flagged FAIL', () => {
    assert.deepEqual(parseClusterLog(`7:M 07 Dec 2026 12:51:58.767 * Marking node ${M_A} as failing (quorum reached).`), [{ at: at(58, 767), kind: 'marked-failing', node: M_A }]);
  });

  test('a FAIL message names the node it is about, not its sender', () => {
    assert.deepEqual(parseClusterLog(`7:S 07 Dec 2026 12:51:58.769 * FAIL message received from ${M_B} about ${M_A}`), [{ at: at(58, 769), kind: 'fail-received', node: M_A }]);
  });

  test('cluster state changes: fail and ok', () => {
    const events = parseClusterLog(`7:M 07 Dec 2026 12:51:58.767 # Cluster state changed: fail\n7:M 07 Dec 2026 12:51:59.490 # Cluster state changed: ok`);
    assert.deepEqual(events, [
      { at: at(58, 767), kind: 'state-fail' },
      { at: at(59, 490), kind: 'state-ok' },
    ]);
  });

  test('a delayed election start carries the replica\'s rank', () => {
    const e = only(parseClusterLog('7:S 07 Dec 2026 12:51:58.770 # Start of election delayed for 638 milliseconds (rank #0, offset 10903).'));
    assert.deepEqual(e, { at: at(58, 770), kind: 'election-delayed', rank: 0 });
    assert.equal(only(parseClusterLog('7:S 07 Dec 2026 12:51:58.770 # Start of election delayed for 1638 milliseconds (rank #2, offset 10800).')).rank, 2);
  });

  test('an election start and a vote carry their epoch; the vote names the replica voted for', () => {
    assert.deepEqual(parseClusterLog('7:S 07 Dec 2026 12:51:59.410 # Starting a failover election for epoch 7.'), [{ at: at(59, 410), kind: 'election-started', epoch: 7 }]);
    assert.deepEqual(parseClusterLog(`7:M 07 Dec 2026 12:51:59.412 # Failover auth granted to ${R_A} for epoch 7`), [{ at: at(59, 412), kind: 'vote-granted', node: R_A, epoch: 7 }]);
  });

  test('"Failover election won" and the "configEpoch set to N" line after it are one event carrying epoch N', () => {
    const events = parseClusterLog(R_A_LOG);
    const won = only(events.filter((e) => e.kind === 'election-won'));
    assert.deepEqual(won, { at: at(59, 485), kind: 'election-won', epoch: 7 });
  });

  test('a configEpoch line without a won line before it is a win of its own', () => {
    assert.deepEqual(parseClusterLog('7:M 07 Dec 2026 12:51:59.485 # configEpoch set to 9 after successful failover'), [{ at: at(59, 485), kind: 'election-won', epoch: 9 }]);
  });

  test('two wins in one log each get their own epoch', () => {
    const events = parseClusterLog(`7:S 07 Dec 2026 12:51:59.485 # Failover election won: I'm the new master.
7:S 07 Dec 2026 12:51:59.485 # configEpoch set to 7 after successful failover
7:S 07 Dec 2026 12:52:30.100 # Failover election won: I'm the new master.
7:S 07 Dec 2026 12:52:30.101 # configEpoch set to 9 after successful failover`);
    assert.deepEqual(events, [
      { at: at(59, 485), kind: 'election-won', epoch: 7 },
      { at: Date.UTC(2026, 11, 7, 12, 52, 30, 100), kind: 'election-won', epoch: 9 },
    ]);
  });

  test('a manual failover request, a demotion to replica, and a FAIL cleared', () => {
    const events = parseClusterLog(`7:S 07 Dec 2026 12:53:00.000 # Manual failover user request accepted.
7:M 07 Dec 2026 12:53:10.000 # Configuration change detected. Reconfiguring myself as a replica of ${R_A}
7:M 07 Dec 2026 12:53:11.000 * Clear FAIL state for node ${M_A}: master without slots is reachable again.`);
    assert.deepEqual(
      events.map((e) => [e.kind, e.node]),
      [
        ['manual-failover', undefined],
        ['became-replica', R_A],
        ['fail-cleared', M_A],
      ],
    );
  });

  test('lines it does not know, and lines not in Redis\'s log format, give nothing', () => {
    const events = parseClusterLog(`${M_B_LOG.split('\n').slice(0, 3).join('\n')}
7:S 07 Dec 2026 12:51:56.001 # Connection with master lost.
7:S 07 Dec 2026 12:51:56.002 * MASTER <-> REPLICA sync started
Marking node ${M_A} as failing (quorum reached).
12:51:58.767 * Marking node ${M_A} as failing (quorum reached).
7:M 07 Foo 2026 12:51:58.767 * Marking node ${M_A} as failing (quorum reached).
7:M 07 Dec 26 12:51:58.767 * Marking node ${M_A} as failing (quorum reached).
`);
    assert.deepEqual(events, []);
  });

  test('every log level mark (. - * #) and every role letter (M S C X) is read', () => {
    for (const level of ['.', '-', '*', '#']) assert.equal(parseClusterLog(`7:M 07 Dec 2026 12:51:58.767 ${level} Cluster state changed: fail`).length, 1, level);
    for (const role of ['M', 'S', 'C', 'X']) assert.equal(parseClusterLog(`7:${role} 07 Dec 2026 12:51:58.767 # Cluster state changed: fail`).length, 1, role);
  });

  test('docker logs -t prefixes are ignored: the time is Redis\'s own', () => {
    const plain = parseClusterLog(R_A_LOG);
    const prefixed = R_A_LOG.split('\n')
      .map((l) => (l === '' ? l : `2026-12-07T12:59:59.999999999Z ${l}`))
      .join('\n');
    assert.deepEqual(parseClusterLog(prefixed), plain);
    assert.ok(plain.length >= 5);
  });

  test('a whole replica log gives its events in order', () => {
    assert.deepEqual(
      parseClusterLog(R_A_LOG).map((e) => e.kind),
      ['fail-received', 'election-delayed', 'state-fail', 'election-started', 'election-won', 'state-ok'],
    );
  });
});

describe('clusterMilestones', () => {
  const logs = (): { node: string; events: ClusterLogEvent[] }[] => [
    { node: 'm-b', events: parseClusterLog(M_B_LOG) },
    { node: 'm-c', events: parseClusterLog(M_C_LOG) },
    { node: 'r-a', events: parseClusterLog(R_A_LOG) },
  ];

  test('one failure flagged by several nodes within a second is one detection, at the first flag', () => {
    const m = clusterMilestones(logs(), at(55, 0), nameOfId);
    assert.deepEqual(m.detectedMs, [at(58, 767)]);
  });

  test('the promotion names the winning node (whose line does not), and the reason names the failed master and the epoch', () => {
    const m = clusterMilestones(logs(), at(55, 0), nameOfId);
    assert.deepEqual(m.promotedMs, [at(59, 485)]);
    assert.deepEqual(m.promotions, [{ atMs: at(59, 485), node: 'r-a', reason: "won the replicas' election of m-a (configEpoch 7)" }]);
  });

  test('without nameOfId the reason names the failed master by its id', () => {
    const m = clusterMilestones(logs(), at(55, 0));
    assert.equal(m.promotions?.[0]?.reason, `won the replicas' election of ${M_A} (configEpoch 7)`);
  });

  test('events before sinceMs are neither detections nor promotions', () => {
    const m = clusterMilestones(logs(), at(59, 486), nameOfId);
    assert.deepEqual(m, { detectedMs: [], promotedMs: [], promotions: [] });
    const mid = clusterMilestones(logs(), at(59, 0), nameOfId);
    assert.deepEqual(mid.detectedMs, []);
    assert.deepEqual(mid.promotedMs, [at(59, 485)]);
    assert.equal(mid.promotions?.[0]?.reason, "won the replicas' election (configEpoch 7)", 'a flag before sinceMs is no reason');
  });

  test('the same node flagged again a second or more later is a new detection', () => {
    const events = parseClusterLog(`7:M 07 Dec 2026 12:51:58.000 * Marking node ${M_A} as failing (quorum reached).
7:M 07 Dec 2026 12:51:58.999 * FAIL message received from ${M_B} about ${M_A}
7:M 07 Dec 2026 12:52:10.000 * Marking node ${M_A} as failing (quorum reached).`);
    assert.deepEqual(clusterMilestones([{ node: 'm-b', events }], 0).detectedMs, [at(58, 0), Date.UTC(2026, 11, 7, 12, 52, 10, 0)]);
  });

  test('the window counts from the flag before: flags each under a second apart stay one detection', () => {
    const events = parseClusterLog(`7:M 07 Dec 2026 12:51:58.000 * Marking node ${M_A} as failing (quorum reached).
7:M 07 Dec 2026 12:51:58.600 * FAIL message received from ${M_B} about ${M_A}
7:M 07 Dec 2026 12:51:59.200 * FAIL message received from ${M_C} about ${M_A}
7:M 07 Dec 2026 12:52:00.200 * FAIL message received from ${M_C} about ${M_A}`);
    assert.deepEqual(clusterMilestones([{ node: 'm-b', events }], 0).detectedMs, [at(58, 0), Date.UTC(2026, 11, 7, 12, 52, 0, 200)]);
  });

  test('two different nodes flagged at once are two detections; the same instant is listed once', () => {
    const mb = parseClusterLog(`7:M 07 Dec 2026 12:51:58.767 * Marking node ${M_A} as failing (quorum reached).
7:M 07 Dec 2026 12:51:58.900 * Marking node ${R_C} as failing (quorum reached).`);
    const mc = parseClusterLog(`7:M 07 Dec 2026 12:51:58.767 * Marking node ${R_C} as failing (quorum reached).`);
    assert.deepEqual(clusterMilestones([{ node: 'm-b', events: mb }], 0).detectedMs, [at(58, 767), at(58, 900)]);
    assert.deepEqual(clusterMilestones([{ node: 'm-b', events: mb.slice(0, 1) }, { node: 'm-c', events: mc }], 0).detectedMs, [at(58, 767)]);
  });

  test('detections and promotions are sorted by time across logs given in any order', () => {
    const rb = parseClusterLog(`7:S 07 Dec 2026 12:51:50.000 * FAIL message received from ${M_A} about ${M_B}
7:S 07 Dec 2026 12:51:51.000 # Failover election won: I'm the new master.
7:S 07 Dec 2026 12:51:51.001 # configEpoch set to 6 after successful failover`);
    const m = clusterMilestones([...logs().reverse(), { node: 'r-b', events: rb }], 0, nameOfId);
    assert.deepEqual(m.detectedMs, [at(50, 0), at(58, 767)]);
    assert.deepEqual(
      m.promotions?.map((p) => [p.node, p.reason]),
      [
        ['r-b', "won the replicas' election of m-b (configEpoch 6)"],
        ['r-a', "won the replicas' election of m-a (configEpoch 7)"],
      ],
    );
    assert.deepEqual(m.promotedMs, [at(51, 0), at(59, 485)]);
  });

  test('a replica that saw its master and another node of its IDC flagged names its own master when masterOf says which', () => {
    // idc-a lost m-a and r-c; r-a heard of m-a first, then of r-c.
    const ra = parseClusterLog(`7:S 07 Dec 2026 12:51:58.769 * FAIL message received from ${M_B} about ${M_A}
7:S 07 Dec 2026 12:51:58.901 * FAIL message received from ${M_B} about ${R_C}
7:S 07 Dec 2026 12:51:59.485 # Failover election won: I'm the new master.
7:S 07 Dec 2026 12:51:59.485 # configEpoch set to 7 after successful failover`);
    const withMaster = clusterMilestones([{ node: 'r-a', events: ra }], 0, nameOfId, masterOf);
    assert.equal(withMaster.promotions?.[0]?.reason, "won the replicas' election of m-a (configEpoch 7)");
    // Without masterOf, the last node flagged is taken for the one replaced.
    const without = clusterMilestones([{ node: 'r-a', events: ra }], 0, nameOfId);
    assert.equal(without.promotions?.[0]?.reason, "won the replicas' election of r-c (configEpoch 7)");
  });

  test('masterOf naming a node its log never saw flagged falls back to the last one flagged', () => {
    const ra = parseClusterLog(`7:S 07 Dec 2026 12:51:58.769 * FAIL message received from ${M_B} about ${M_C}
7:S 07 Dec 2026 12:51:59.485 # Failover election won: I'm the new master.`);
    const m = clusterMilestones([{ node: 'r-a', events: ra }], 0, nameOfId, masterOf);
    assert.equal(m.promotions?.[0]?.reason, "won the replicas' election of m-c");
  });

  test('a win after CLUSTER FAILOVER is reported as asked for, not as an election after a failure', () => {
    const rb = parseClusterLog(`7:S 07 Dec 2026 12:53:00.000 # Manual failover user request accepted.
7:S 07 Dec 2026 12:53:00.010 # Received replication offset for paused master manual failover: 20411
7:S 07 Dec 2026 12:53:00.020 # All master replication stream processed, manual failover can start.
7:S 07 Dec 2026 12:53:00.021 # Start of election delayed for 0 milliseconds (rank #0, offset 20411).
7:S 07 Dec 2026 12:53:00.122 # Starting a failover election for epoch 8.
7:S 07 Dec 2026 12:53:00.130 # Failover election won: I'm the new master.
7:S 07 Dec 2026 12:53:00.130 # configEpoch set to 8 after successful failover`);
    const m = clusterMilestones([{ node: 'r-b', events: rb }], 0, nameOfId, masterOf);
    assert.deepEqual(m.promotions, [{ atMs: Date.UTC(2026, 11, 7, 12, 53, 0, 130), node: 'r-b', reason: 'asked to take over by CLUSTER FAILOVER (configEpoch 8)' }]);
    assert.deepEqual(m.detectedMs, []);
  });

  test('a second win looks only at what happened since the first: a manual failover or a flag before it is not its reason', () => {
    const ra = parseClusterLog(`7:S 07 Dec 2026 12:51:58.769 * FAIL message received from ${M_B} about ${M_A}
7:S 07 Dec 2026 12:51:59.485 # Failover election won: I'm the new master.
7:S 07 Dec 2026 12:51:59.485 # configEpoch set to 7 after successful failover
7:M 07 Dec 2026 12:52:20.000 # Configuration change detected. Reconfiguring myself as a replica of ${M_A}
7:S 07 Dec 2026 12:52:30.100 # Failover election won: I'm the new master.
7:S 07 Dec 2026 12:52:30.100 # configEpoch set to 9 after successful failover`);
    const m = clusterMilestones([{ node: 'r-a', events: ra }], 0, nameOfId, masterOf);
    assert.deepEqual(
      m.promotions?.map((p) => p.reason),
      ["won the replicas' election of m-a (configEpoch 7)", "won the replicas' election (configEpoch 9)"],
    );
    const manualFirst = parseClusterLog(`7:S 07 Dec 2026 12:51:50.000 # Manual failover user request accepted.
7:S 07 Dec 2026 12:51:50.100 # Failover election won: I'm the new master.
7:S 07 Dec 2026 12:51:58.769 * FAIL message received from ${M_C} about ${M_A}
7:S 07 Dec 2026 12:51:59.485 # Failover election won: I'm the new master.`);
    assert.deepEqual(
      clusterMilestones([{ node: 'r-a', events: manualFirst }], 0, nameOfId, masterOf).promotions?.map((p) => p.reason),
      ['asked to take over by CLUSTER FAILOVER', "won the replicas' election of m-a"],
    );
  });

  test('no logs, no milestones', () => {
    assert.deepEqual(clusterMilestones([], 0), { detectedMs: [], promotedMs: [], promotions: [] });
  });
});
