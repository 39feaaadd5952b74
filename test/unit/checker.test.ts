import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CheckInput } from '../../src/core/check/check-types.js';
import { checkAll, checkService, incompleteServices } from '../../src/core/check/checker.js';
import { latencyStats } from '../../src/core/check/latency.js';
import { evaluateSlos } from '../../src/core/check/slo.js';
import type { FinalState, OpRecord, Outcome, ServiceName } from '../../src/core/history.js';

function op(id: string, outcome: Outcome, invokeMs: number, completeMs: number | null, more: Partial<OpRecord> = {}): OpRecord {
  return { id, service: 'mysql', kind: 'write', client: 'c1', idc: 'idc-a', invokeMs, completeMs, outcome, ...more };
}

function state(service: ServiceName, nodes: Record<string, string[]>, authoritative: string | null): FinalState['services'][number] {
  return {
    service,
    authoritativeNode: authoritative,
    nodes: Object.entries(nodes).map(([node, ids]) => ({ node, idc: 'idc-b', role: 'replica', ids })),
    unreadable: [],
  };
}

function input(history: OpRecord[], services: FinalState['services'], more: Partial<CheckInput> = {}): CheckInput {
  return {
    history,
    finalState: { readAtMs: 100_000, services },
    faults: [],
    outageStartMs: null,
    outageEndMs: null,
    outageIdcs: [],
    rtoWindowMs: 1000,
    ...more,
  };
}

describe('checkService set semantics', () => {
  const history = [
    op('ok-present', 'ok', 10, 12),
    op('ok-lost-1', 'ok', 20, 25),
    op('ok-lost-2', 'ok', 30, 33, { idc: 'idc-b', client: 'c2' }),
    op('unknown-present', 'unknown', 40, 90),
    op('unknown-absent', 'unknown', 50, null),
    op('failed-absent', 'failed', 60, 61),
    op('failed-present', 'failed', 70, 71, { idc: 'idc-b', client: 'c2' }),
    op('redis-1', 'ok', 15, 16, { service: 'redis' }),
  ];
  const final = [
    state('mysql', { m1: ['ok-present', 'unknown-present', 'failed-present', 'never-attempted'] }, 'm1'),
    state('redis', { r1: ['redis-1'] }, 'r1'),
  ];
  const r = checkService('mysql', input(history, final));

  it('counts outcomes over this service only', () => {
    assert.equal(r.name, 'mysql');
    assert.equal(r.attempted, 7);
    assert.equal(r.acknowledged, 3);
    assert.equal(r.failed, 2);
    assert.equal(r.unknown, 2);
  });

  it('counts acknowledged writes missing from the authoritative node as lost, and nothing else', () => {
    assert.equal(r.lost, 2);
    assert.deepEqual(r.lostIds, ['ok-lost-1', 'ok-lost-2']);
    assert.deepEqual(r.rpo, { lostWrites: 2, windowMs: 8, firstLostAckMs: 25, lastLostAckMs: 33, beforeOutageMs: null });
  });

  it('splits unknown outcomes into present and absent', () => {
    assert.equal(r.unknownPresent, 1);
    assert.equal(r.unknownAbsent, 1);
  });

  it('reports never-attempted and failed-but-present ids as unexpected', () => {
    assert.equal(r.unexpected, 2);
    assert.deepEqual([...r.unexpectedIds].sort(), ['failed-present', 'never-attempted']);
  });

  it('breaks the counts down by client IDC', () => {
    assert.deepEqual(r.byIdc, [
      // No outage: every ok write is steady-state; idc-a's took 2 and 5 ms, idc-b's 3 ms.
      { idc: 'idc-a', attempted: 5, acknowledged: 2, failed: 1, unknown: 2, lost: 1, lostWindowMs: 0, steadyWriteLatency: { count: 2, p50Ms: 2, p99Ms: 5, maxMs: 5 } },
      { idc: 'idc-b', attempted: 2, acknowledged: 1, failed: 1, unknown: 0, lost: 1, lostWindowMs: 0, steadyWriteLatency: { count: 1, p50Ms: 3, p99Ms: 3, maxMs: 3 } },
    ]);
  });

  it('without an outage: no RTO, recovered, every op in the "before" phase', () => {
    assert.equal(r.rtoMs, null);
    assert.equal(r.recovered, true);
    assert.deepEqual(r.rtoSplit, { faultId: null, detectMs: null, promoteMs: null, rerouteMs: null, note: null });
    assert.deepEqual(r.rto.byClient, []);
    assert.deepEqual(r.splitBrain, { ms: 0, intervals: [], nodes: [], acknowledged: 0, lost: 0, byNode: [] });
    assert.equal(r.phases.before.ops, 7);
    assert.equal(r.phases.during.ops, 0);
    assert.equal(r.phases.after.ops, 0);
    assert.equal(r.phases.before.errorRate, 4 / 7);
    assert.deepEqual(r.phases.before.writeLatency, { count: 3, p50Ms: 3, p99Ms: 5, maxMs: 5 });
    assert.equal(r.authoritativeNode, 'm1');
  });

  it('checkAll returns every service of the history and final state it can judge, sorted', () => {
    const all = checkAll(input(history, [final[0]!]));
    assert.deepEqual(all.map((s) => s.name), ['mysql'], 'redis has no final state: it cannot be judged');
    assert.deepEqual(incompleteServices(input(history, [final[0]!])), [
      { name: 'redis', reason: 'the final read holds no state for this service', attempted: 1, acknowledged: 1, readable: [], unreadable: [] },
    ]);
    const onlyFinal = checkAll(input([], [state('redis', { r1: ['x'] }, 'r1')]));
    assert.deepEqual(onlyFinal.map((s) => [s.name, s.attempted, s.unexpected]), [['redis', 0, 1]]);
  });
});

describe('checkService final state edge cases', () => {
  const history = [op('a', 'ok', 1, 2), op('b', 'ok', 3, 4), op('c', 'unknown', 5, null)];

  it('with no authoritative node the service is not judged: nothing is counted lost, and the reason and the nodes read are given', () => {
    const final = [{ ...state('mysql', { m1: ['a', 'b', 'c'] }, null), noAuthority: 'the failover manager could not be reached, and no node is writable', unreadable: [{ node: 'm2', reason: 'timeout' }] }];
    assert.deepEqual(checkAll(input(history, final)), []);
    assert.deepEqual(incompleteServices(input(history, final)), [
      {
        name: 'mysql',
        reason: 'the failover manager could not be reached, and no node is writable',
        attempted: 3,
        acknowledged: 2,
        readable: ['m1 (replica)'],
        unreadable: [{ node: 'm2', reason: 'timeout' }],
      },
    ]);
  });

  it('a service without writes is judged even without an authoritative node', () => {
    assert.deepEqual(incompleteServices(input([], [state('mysql', { m1: [] }, null)])), []);
    assert.deepEqual(checkAll(input([], [state('mysql', { m1: [] }, null)])).map((s) => s.name), ['mysql']);
  });

  it('an authoritative node that could not be read holds nothing', () => {
    const r = checkService('mysql', input(history, [state('mysql', { m2: ['a', 'b'] }, 'm1')]));
    assert.equal(r.lost, 2);
  });

  it('counts ids present on some but not all readable nodes as divergent', () => {
    const nodes = { m1: ['a', 'b', 'x'], m2: ['a', 'b', 'y', 'y'], m3: ['a', 'x'] };
    const r = checkService('mysql', input(history, [state('mysql', nodes, 'm1')]));
    // b (not on m3), x (not on m2), y (only on m2); a is everywhere.
    assert.equal(r.divergent, 3);
    const single = checkService('mysql', input(history, [state('mysql', { m1: ['a'] }, 'm1')]));
    assert.equal(single.divergent, 0);
  });

  it('counts divergence the same whichever node is the base, with repeated and identical lists', () => {
    const nodes = { m1: ['a', 'b', 'c'], m2: ['a', 'b', 'c'], m3: ['c', 'a', 'a', 'z'] };
    for (const auth of ['m1', 'm2', 'm3', 'gone', null]) {
      const r = checkService('mysql', input(history, [state('mysql', nodes, auth)]));
      assert.equal(r.divergent, 2, `authoritative ${auth}: b (not on m3) and z (only on m3)`);
    }
    const same = checkService('mysql', input(history, [state('mysql', { m1: ['a', 'b'], m2: ['a', 'b'] }, 'm1')]));
    assert.equal(same.divergent, 0);
  });

  it('rejects a negative or non-finite RTO window', () => {
    assert.throws(() => checkService('mysql', input(history, [], { rtoWindowMs: -1 })), RangeError);
    assert.throws(() => checkService('mysql', input(history, [], { rtoWindowMs: Number.NaN })), RangeError);
  });
});

describe('RPO exposure before the outage', () => {
  const final = [state('mysql', { m1: ['kept'] }, 'm1')];

  it('runs from the oldest lost acknowledgement to the outage start', () => {
    const history = [op('kept', 'ok', 100, 110), op('lost-old', 'ok', 200, 250), op('lost-new', 'ok', 800, 900)];
    const r = checkService('mysql', input(history, final, { outageStartMs: 1000, outageIdcs: ['idc-z'] }));
    assert.deepEqual(r.rpo, { lostWrites: 2, windowMs: 650, firstLostAckMs: 250, lastLostAckMs: 900, beforeOutageMs: 750 });
  });

  it('is 0 when every lost write was acknowledged after the outage started', () => {
    const history = [op('lost', 'ok', 1200, 1300)];
    const r = checkService('mysql', input(history, final, { outageStartMs: 1000, outageIdcs: ['idc-z'] }));
    assert.deepEqual(r.rpo, { lostWrites: 1, windowMs: 0, firstLostAckMs: 1300, lastLostAckMs: 1300, beforeOutageMs: 0 });
  });

  it('is null when nothing was lost', () => {
    const r = checkService('mysql', input([op('kept', 'ok', 100, 110)], final, { outageStartMs: 1000 }));
    assert.deepEqual(r.rpo, { lostWrites: 0, windowMs: null, firstLostAckMs: null, lastLostAckMs: null, beforeOutageMs: null });
  });
});

describe('phases and failover split', () => {
  // Outage at 1000, surviving client fails until 2000, then ok every 100 ms.
  const history: OpRecord[] = [op('pre-1', 'ok', 500, 510), op('pre-2', 'ok', 900, 930)];
  for (let t = 1000; t < 2000; t += 100) history.push(op(`fail-${t}`, 'failed', t, t + 50));
  for (let t = 2000; t <= 5000; t += 100) history.push(op(`ok-${t}`, 'ok', t, t + 20));
  history.push(op('dead-idc', 'unknown', 1500, null, { idc: 'idc-dead', client: 'c9' }));
  const ids = history.filter((o) => o.outcome !== 'failed').map((o) => o.id);
  const r = checkService(
    'mysql',
    input(history, [state('mysql', { m1: ids }, 'm1')], {
      outageStartMs: 1000,
      outageEndMs: 3000,
      outageIdcs: ['idc-dead'],
      failoverEvents: { mysql: { detectedMs: [1300], promotedMs: [1800] } },
    }),
  );

  it('measures the RTO and splits it into detect, promote and reroute', () => {
    assert.equal(r.rtoMs, 1000);
    assert.equal(r.recovered, true);
    assert.deepEqual(r.rtoSplit, { faultId: 'outage', detectMs: 300, promoteMs: 500, rerouteMs: 200, note: null });
  });

  it('cuts phases at the outage start and at the recovery instant, counting every client', () => {
    assert.deepEqual([r.phases.before.ops, r.phases.during.ops, r.phases.after.ops], [2, 11, 31]);
    assert.equal(r.phases.during.failed, 10);
    assert.equal(r.phases.during.unknown, 1);
    assert.equal(r.phases.during.errorRate, 1);
    assert.deepEqual(r.phases.during.writeLatency, { count: 0, p50Ms: null, p99Ms: null, maxMs: null });
    assert.deepEqual(r.phases.before.writeLatency, { count: 2, p50Ms: 10, p99Ms: 30, maxMs: 30 });
    assert.equal(r.phases.after.writeLatency.p50Ms, 20);
  });

  it('leaves split parts null when their milestones are missing', () => {
    const partial = checkService(
      'mysql',
      input(history, [state('mysql', { m1: ids }, 'm1')], { outageStartMs: 1000, outageIdcs: ['idc-dead'], failoverEvents: { mysql: { detectedMs: [], promotedMs: [1800] } } }),
    );
    assert.deepEqual(partial.rtoSplit, {
      faultId: 'outage',
      detectMs: null,
      promoteMs: null,
      rerouteMs: 200,
      note: 'a promotion was reported 800 ms after the fault, with no detection before it',
    });
  });
});

describe('latencyStats', () => {
  it('uses nearest-rank percentiles', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    assert.deepEqual(latencyStats(values), { count: 100, p50Ms: 50, p99Ms: 99, maxMs: 100 });
    assert.deepEqual(latencyStats([7]), { count: 1, p50Ms: 7, p99Ms: 7, maxMs: 7 });
    assert.deepEqual(latencyStats([3, 1]), { count: 2, p50Ms: 1, p99Ms: 3, maxMs: 3 });
  });
});

describe('evaluateSlos', () => {
  const base = checkService('mysql', input([op('a', 'ok', 1, 2), op('b', 'ok', 3, 4)], [state('mysql', { m1: ['a'] }, 'm1')]));

  it('checks inclusive upper bounds on every service', () => {
    const redis = { ...base, name: 'redis' as const, lost: 0, lostIds: [], rtoMs: 30_000 };
    const mysql = { ...base, rtoMs: 30_001 };
    const slos = evaluateSlos([mysql, redis], { rtoMs: 30_000, lostWrites: 0 });
    assert.deepEqual(
      slos.map((s) => [s.name, s.metric, s.actual, s.ok]),
      [
        ['mysql rtoMs <= 30000', 'rtoMs', 30_001, false],
        ['mysql lostWrites <= 0', 'lostWrites', 1, false],
        ['redis rtoMs <= 30000', 'rtoMs', 30_000, true],
        ['redis lostWrites <= 0', 'lostWrites', 0, true],
      ],
    );
    assert.match(slos[1]!.message, /mysql: 1 lost acknowledged write, over the limit of 0 \(lost: b\)/);
  });

  it('fails an RTO SLO when writes never recovered, passes it when there was no outage', () => {
    const never = evaluateSlos([{ ...base, rtoMs: null, recovered: false }], { rtoMs: 1000 });
    assert.equal(never[0]!.ok, false);
    assert.equal(never[0]!.actual, null);
    assert.match(never[0]!.message, /never recovered/);
    const noOutage = evaluateSlos([{ ...base, rtoMs: null, recovered: true }], { rtoMs: 1000 });
    assert.equal(noOutage[0]!.ok, true);
  });

  it('evaluates nothing without SLOs', () => {
    assert.deepEqual(evaluateSlos([base], {}), []);
  });
});
