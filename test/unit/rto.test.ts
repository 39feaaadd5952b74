// RTO per client in durable writes, the split of the worst gap, split brain
// and the RPO window, on hand-made histories whose answers are read off the
// definitions.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CheckInput } from '../../src/core/check/check-types.js';
import { checkService } from '../../src/core/check/checker.js';
import { measureRtoByClient, type DownInterval } from '../../src/core/check/rto.js';
import { measureSplitBrain } from '../../src/core/check/split-brain.js';
import type { OpRecord, Outcome } from '../../src/core/history.js';

const START = 10_000;
const W = 1000;

function op(id: string, outcome: Outcome, invokeMs: number, completeMs: number | null, client = 'c1', idc = 'idc-b', node?: string): OpRecord {
  return { id, service: 'redis', kind: 'write', client, idc, invokeMs, completeMs, outcome, ...(node === undefined ? {} : { node }) };
}

/** One write every `step` ms in [from, to) by one client, each answered after `latency` ms. */
function series(client: string, outcome: Outcome, from: number, to: number, opts: { step?: number; idc?: string; latency?: number; node?: string; tag?: string } = {}): OpRecord[] {
  const { step = 50, idc = 'idc-b', latency = 5, node, tag = outcome } = opts;
  const out: OpRecord[] = [];
  for (let t = from; t < to; t += step) out.push(op(`${client}-${tag}-${t}`, outcome, t, t + latency, client, idc, node));
  return out;
}

/** Every op present in the final state except the ids in `lost`. */
function presence(ops: readonly OpRecord[], lost: ReadonlySet<string> = new Set()): Uint8Array {
  return Uint8Array.from(ops, (o) => (lost.has(o.id) ? 0 : 1));
}

function measure(ops: OpRecord[], opts: { lost?: Set<string>; down?: DownInterval[]; start?: number; window?: number } = {}) {
  return measureRtoByClient({ ops, present: presence(ops, opts.lost), periodStartMs: opts.start ?? START, down: opts.down ?? [], windowMs: opts.window ?? W });
}

describe('RTO per client, in durable writes', () => {
  it('runs from the first failed write to the first write of a durable window', () => {
    const ops = [...series('c1', 'ok', 8000, 10_000), ...series('c1', 'failed', 10_000, 12_000), ...series('c1', 'ok', 12_000, 20_000)];
    const m = measure(ops);
    assert.equal(m.worst?.rtoMs, 2000);
    assert.deepEqual(m.worst?.gaps, [{ startMs: 10_000, endMs: 12_000, lengthMs: 2000, interrupted: false }]);
    assert.equal(m.lastRecoveryMs, 12_000);
  });

  it('leaves out a write refused for a certification conflict: the node answered, even in the last instants measured', () => {
    const conflict = (id: string, at: number): OpRecord => ({ ...op(id, 'failed', at, at + 5), error: 'ER_LOCK_DEADLOCK Deadlock found when trying to get lock' });
    const ops = [...series('c1', 'ok', 8000, 11_000), conflict('lost-race', 10_500), ...series('c1', 'ok', 11_000, 12_000), conflict('at-the-end', 11_990)];
    const m = measure(ops);
    assert.equal(m.worst?.rtoMs, 0);
    assert.ok(m.byClient.every((c) => c.recovered));
    // Any other failure opens a gap, and one this late is never seen to close.
    const other = measure([...series('c1', 'ok', 8000, 12_000), op('refused', 'failed', 11_990, 11_995)]);
    assert.equal(other.worst?.recovered, false);
  });

  it('starts a gap at the fault for a write that was in flight when it struck', () => {
    const ops = [...series('c1', 'ok', 8000, 9990), op('in-flight', 'unknown', 9990, 11_990), ...series('c1', 'ok', 12_000, 20_000)];
    assert.deepEqual(measure(ops).worst?.gaps, [{ startMs: 10_000, endMs: 12_000, lengthMs: 2000, interrupted: false }]);
  });

  it('leaves writes acknowledged before the fault and lost to the RPO', () => {
    const ops = series('c1', 'ok', 8000, 20_000);
    const lost = new Set(ops.filter((o) => o.invokeMs >= 9000 && o.invokeMs < 9900).map((o) => o.id));
    const m = measure(ops, { lost });
    assert.equal(m.worst?.rtoMs, 0);
    assert.deepEqual(m.worst?.gaps, []);
  });

  it('counts writes acknowledged during the fault and lost later as no service at all', () => {
    // The client was answered the whole time, by a node whose writes were then discarded.
    const ops = series('c1', 'ok', 8000, 20_000);
    const lost = new Set(ops.filter((o) => o.invokeMs >= 10_000 && o.invokeMs < 14_000).map((o) => o.id));
    const m = measure(ops, { lost });
    assert.equal(m.worst?.rtoMs, 4000);
  });

  it('sees a stalled client beside a healthy one, and names it', () => {
    const healthy = series('a', 'ok', 8000, 20_000, { idc: 'idc-c' });
    const stalled = [...series('b', 'ok', 8000, 10_100), ...series('b', 'unknown', 10_100, 13_100, { step: 1000 }), ...series('b', 'ok', 13_100, 20_000)];
    const m = measure([...healthy, ...stalled]);
    assert.equal(m.worst?.client, 'b');
    assert.equal(m.worst?.rtoMs, 3000);
    assert.deepEqual(
      m.byClient.map((c) => [c.client, c.rtoMs]),
      [
        ['a', 0],
        ['b', 3000],
      ],
    );
    assert.deepEqual(m.byIdc, [
      { idc: 'idc-b', rtoMs: 3000, recovered: true, measured: true, client: 'b' },
      { idc: 'idc-c', rtoMs: 0, recovered: true, measured: true, client: 'a' },
    ]);
  });

  it('keeps every gap of several faults and counts the longest', () => {
    const ops = [
      ...series('c1', 'ok', 8000, 10_000),
      ...series('c1', 'failed', 10_000, 11_000),
      ...series('c1', 'ok', 11_000, 15_000),
      ...series('c1', 'failed', 15_000, 17_500, { tag: 'second' }),
      ...series('c1', 'ok', 17_500, 25_000, { tag: 'after' }),
    ];
    const m = measure(ops);
    assert.deepEqual(
      m.worst?.gaps.map((g) => [g.startMs, g.endMs]),
      [
        [10_000, 11_000],
        [15_000, 17_500],
      ],
    );
    assert.equal(m.worst?.rtoMs, 2500);
    assert.equal(m.lastRecoveryMs, 17_500);
  });

  it('never recovers when the history ends inside a gap, and says how long it had lasted', () => {
    const ops = [...series('c1', 'ok', 8000, 10_000), ...series('c1', 'failed', 10_000, 20_000)];
    const m = measure(ops);
    assert.equal(m.worst?.recovered, false);
    assert.equal(m.worst?.rtoMs, null);
    assert.equal(m.lastRecoveryMs, null);
    assert.deepEqual(m.worst?.gaps.map((g) => [g.startMs, g.endMs, g.lengthMs]), [[10_000, null, 9950]]);
  });

  it('needs two writes in the window, and the history to reach its end', () => {
    const sparse = [...series('c1', 'failed', 10_000, 11_000), op('lonely', 'ok', 11_000, 11_010), ...series('c1', 'ok', 12_500, 20_000, { tag: 'late' })];
    assert.equal(measure(sparse).worst?.rtoMs, 2500);
    const short = [...series('c1', 'failed', 10_000, 11_000), ...series('c1', 'ok', 11_000, 11_600)];
    assert.equal(measure(short).worst?.recovered, false, 'the drill stopped before a full window was seen');
    const slowLast = [...short, op('slow', 'ok', 11_600, 12_000)];
    assert.equal(measure(slowLast).worst?.rtoMs, 1000, 'a last durable write answered at the window end covers it');
  });

  it('does not measure a client while its own IDC is down, and measures it again after', () => {
    const down: DownInterval[] = [{ idc: 'idc-a', fromMs: 10_000, toMs: 20_000 }];
    const dead = [...series('d', 'ok', 8000, 10_000, { idc: 'idc-a' }), op('killed', 'unknown', 9995, null, 'd', 'idc-a')];
    const back = [...series('d2', 'failed', 21_000, 21_500, { idc: 'idc-a' }), ...series('d2', 'ok', 21_500, 30_000, { idc: 'idc-a' })];
    const survivor = series('s', 'ok', 8000, 30_000, { idc: 'idc-c' });
    const m = measure([...dead, ...back, ...survivor], { down });
    const byName = new Map(m.byClient.map((c) => [c.client, c]));
    assert.equal(byName.get('d')?.measured, false, 'every write of the dead incarnation fell in its outage');
    assert.equal(byName.get('d2')?.rtoMs, 500, 'the restarted client failing after the heal is an outage too');
    assert.equal(m.worst?.client, 'd2');
  });

  it('ends a gap where the client\'s own IDC goes down, marked interrupted', () => {
    const down: DownInterval[] = [{ idc: 'idc-b', fromMs: 12_000, toMs: null }];
    const ops = [...series('c1', 'ok', 8000, 10_000), ...series('c1', 'failed', 10_000, 11_990)];
    const m = measure(ops, { down });
    assert.deepEqual(m.worst?.gaps, [{ startMs: 10_000, endMs: 12_000, lengthMs: 2000, interrupted: true }]);
    assert.equal(m.worst?.recovered, true);
    assert.equal(m.worst?.rtoMs, 2000);
  });

  it('is linear enough for adversarial histories', () => {
    // A failure every 50 writes keeps every window broken: a nested scan would be quadratic.
    const ops: OpRecord[] = [];
    for (let i = 0; i < 300_000; i++) ops.push(op(`o${i}`, i % 50 === 0 ? 'failed' : 'ok', START + i, START + i + 0.5));
    const t0 = performance.now();
    assert.equal(measure(ops, { window: 10_000 }).worst?.recovered, false);
    assert.ok(performance.now() - t0 < 3000, 'took too long');
  });
});

describe('RTO, its split and phases through checkService', () => {
  function run(history: OpRecord[], more: Partial<CheckInput> = {}) {
    return checkService('redis', {
      history,
      finalState: { readAtMs: 0, services: [{ service: 'redis', authoritativeNode: 'r1', nodes: [{ node: 'r1', idc: 'idc-b', role: 'master', ids: history.filter((o) => o.outcome === 'ok').map((o) => o.id) }], unreadable: [] }] },
      faults: [{ id: 'f1', spec: { kind: 'power', idc: 'idc-a' }, requestedMs: START, appliedMs: START + 400, healedMs: null }],
      outageStartMs: START,
      outageEndMs: null,
      outageIdcs: ['idc-a'],
      rtoWindowMs: W,
      ...more,
    });
  }
  const failover = [...series('c1', 'ok', 8000, 10_000), ...series('c1', 'failed', 10_000, 14_000), ...series('c1', 'ok', 14_000, 20_000)];

  it('reports recovered=false and a null RTO when writes never recovered', () => {
    const r = run(series('c1', 'failed', 10_000, 20_000, { step: 100 }));
    assert.equal(r.rtoMs, null);
    assert.equal(r.recovered, false);
    assert.equal(r.phases.after.ops, 0, 'without recovery the outage phase runs to the end');
    assert.equal(r.phases.during.ops, 100);
    assert.equal(r.rtoSplit.note, 'writes had not recovered when the drill ended');
  });

  it('reports a null RTO but recovered=true without an outage', () => {
    const r = run(series('c1', 'failed', 10_000, 20_000), { outageStartMs: null, faults: [] });
    assert.equal(r.rtoMs, null);
    assert.equal(r.recovered, true);
    assert.deepEqual(r.rto.byClient, []);
  });

  it('splits the gap into detect, promote and reroute, in order, and gives the resolution', () => {
    const r = run(failover, { failoverEvents: { redis: { detectedMs: [11_000], promotedMs: [13_500] } }, writeIntervalMs: { redis: 50 } });
    assert.equal(r.rtoMs, 4000);
    assert.deepEqual(r.rtoSplit, { faultId: 'f1', detectMs: 1000, promoteMs: 2500, rerouteMs: 500, note: null });
    assert.equal(r.rto.resolutionMs, 50);
    assert.equal(r.rto.client, 'c1');
  });

  it('says in words, never with a negative number, that clients were back before the promotion was reported', () => {
    const r = run(failover, { failoverEvents: { redis: { detectedMs: [11_000], promotedMs: [14_600] } } });
    assert.equal(r.rtoSplit.rerouteMs, null);
    assert.equal(r.rtoSplit.note, 'clients wrote durably again 600 ms before the promotion was reported');
    for (const v of [r.rtoSplit.detectMs, r.rtoSplit.promoteMs]) assert.ok(v === null || v >= 0);
  });

  it('splits the worst gap by the milestones of its own fault', () => {
    const ops = [...series('c1', 'ok', 8000, 10_000), ...series('c1', 'failed', 10_000, 10_500), ...series('c1', 'ok', 10_500, 20_000), ...series('c1', 'failed', 20_000, 23_000, { tag: 'b' }), ...series('c1', 'ok', 23_000, 30_000, { tag: 'c' })];
    const faults: CheckInput['faults'] = [
      { id: 'f1', spec: { kind: 'crash', node: 'r1', restart: true }, requestedMs: START, appliedMs: START, healedMs: null },
      { id: 'f2', spec: { kind: 'power', idc: 'idc-a' }, requestedMs: 20_000, appliedMs: 20_000, healedMs: null },
    ];
    const r = run(ops, { faults, failoverEvents: { redis: { detectedMs: [21_000], promotedMs: [22_000] } } });
    assert.equal(r.rtoMs, 3000);
    assert.deepEqual(r.rtoSplit, { faultId: 'f2', detectMs: 1000, promoteMs: 1000, rerouteMs: 1000, note: null });
  });

  it('gives a gap that opened after its fault was healed no failover milestones, and says why', () => {
    const ops = [...series('c1', 'ok', 8000, 20_000), ...series('c1', 'ok', 22_000, 25_000, { tag: 'lost' }), ...series('c1', 'ok', 25_000, 30_000, { tag: 'c' })];
    const lost = ops.filter((o) => o.id.includes('-lost-')).map((o) => o.id);
    const faults: CheckInput['faults'] = [{ id: 'f1', spec: { kind: 'power', idc: 'idc-a' }, requestedMs: START, appliedMs: START, healedMs: 21_000 }];
    const final = { readAtMs: 0, services: [{ service: 'redis' as const, authoritativeNode: 'r1', nodes: [{ node: 'r1', idc: 'idc-b', role: 'master', ids: ops.filter((o) => !lost.includes(o.id)).map((o) => o.id) }], unreadable: [] }] };
    const r = checkService('redis', { history: ops, finalState: final, faults, outageStartMs: START, outageEndMs: 21_000, outageIdcs: ['idc-a'], rtoWindowMs: W, failoverEvents: { redis: { detectedMs: [12_000], promotedMs: [13_000] } } });
    assert.equal(r.rtoMs, 3000);
    assert.deepEqual(r.rtoSplit, { faultId: 'f1', detectMs: null, promoteMs: null, rerouteMs: null, note: 'the gap opened 1.00 s after power idc-a was healed: no failover milestone belongs to it' });
  });

  it('cuts the phases at the first fault and at the last client\'s recovery', () => {
    const stalled = [...series('b', 'ok', 8000, 10_000, { idc: 'idc-c' }), ...series('b', 'failed', 10_000, 15_000, { idc: 'idc-c', step: 1000 }), ...series('b', 'ok', 15_000, 20_000, { idc: 'idc-c' })];
    const r = run([...failover, ...stalled]);
    assert.equal(r.rtoMs, 5000);
    const during = r.phases.during;
    assert.equal(during.failed, 80 + 5);
    assert.equal(during.ok, 20, 'c1 wrote from 14 s, while b still stalled');
    assert.equal(r.phases.after.ops, 200);
  });
});

describe('split brain', () => {
  const names = (n: string): string => ({ '10.0.1.10': 'redis-a', '10.0.3.10': 'redis-c' })[n] ?? n;

  it('is zero across a clean failover, when one node stops before the next starts', () => {
    const ops = [...series('c1', 'ok', 8000, 10_000, { node: '10.0.1.10' }), ...series('c1', 'ok', 14_000, 20_000, { node: '10.0.3.10', tag: 'new' })];
    const sb = measureSplitBrain({ ops, present: presence(ops), nodeName: names, down: [] });
    assert.deepEqual(sb, { ms: 0, intervals: [], nodes: [], acknowledged: 0, lost: 0, byNode: [] });
  });

  it('measures the overlap while a minority master keeps acknowledging, and what was lost meanwhile', () => {
    // Client m stays with redis-a (the minority) until 26 s; client n moves to redis-c at 18 s.
    const minority = series('m', 'ok', 8000, 26_000, { node: '10.0.1.10', step: 100, latency: 0 });
    const majority = [...series('n', 'ok', 8000, 10_000, { node: '10.0.1.10', step: 100, latency: 0 }), ...series('n', 'ok', 18_000, 30_000, { node: '10.0.3.10', step: 100, latency: 0, tag: 'c' })];
    const ops = [...minority, ...majority];
    const lost = new Set(minority.filter((o) => o.invokeMs >= 10_000).map((o) => o.id));
    const sb = measureSplitBrain({ ops, present: presence(ops, lost), nodeName: names, down: [] });
    assert.equal(sb.ms, 25_900 - 18_000);
    assert.deepEqual(sb.intervals, [{ startMs: 18_000, endMs: 25_900, nodes: ['redis-a', 'redis-c'] }]);
    // Inside [18 000, 25 900]: m's 80 writes on redis-a (all lost), n's 80 on redis-c.
    assert.deepEqual(sb.byNode, [
      { node: 'redis-a', acknowledged: 80, lost: 80 },
      { node: 'redis-c', acknowledged: 80, lost: 0 },
    ]);
    assert.equal(sb.acknowledged, 160);
    assert.equal(sb.lost, 80);
  });

  it('never lets a run span its client\'s own outage: a restarted client back on a stale master splits only from then', () => {
    // idc-a loses power at 10 s (its client and redis-a die, no write in flight); redis-c is promoted.
    // At 20 s power returns, redis-a restarts as an empty master and the client writes to it until 24 s.
    const down: DownInterval[] = [{ idc: 'idc-a', fromMs: 10_000, toMs: 20_000 }];
    const a = [...series('a', 'ok', 0, 9_950, { idc: 'idc-a', node: 'redis-a', step: 100, latency: 0 }), ...series('a', 'ok', 21_000, 24_000, { idc: 'idc-a', node: 'redis-a', step: 100, latency: 0, tag: 'back' })];
    const c = [...series('c', 'ok', 0, 10_000, { idc: 'idc-c', node: 'redis-a', step: 100, latency: 0 }), ...series('c', 'ok', 14_000, 30_000, { idc: 'idc-c', node: 'redis-c', step: 100, latency: 0, tag: 'new' })];
    const ops = [...a, ...c];
    const sb = measureSplitBrain({ ops, present: presence(ops), nodeName: (n) => n, down });
    assert.deepEqual(sb.intervals, [{ startMs: 21_000, endMs: 23_900, nodes: ['redis-a', 'redis-c'] }]);
  });

  it('ends a run at a write that failed or ended unknown', () => {
    // Client a is refused by x from 2 s to 6 s, and answered by x again after; y takes writes from 3 s to 5 s.
    const ops = [
      ...series('a', 'ok', 0, 2000, { node: 'x', step: 100, latency: 0 }),
      ...series('a', 'failed', 2000, 6000, { node: 'x', step: 100, latency: 0 }),
      ...series('a', 'ok', 6000, 8000, { node: 'x', step: 100, latency: 0, tag: 'again' }),
      ...series('b', 'ok', 3000, 5000, { node: 'y', step: 100, latency: 0 }),
    ];
    assert.equal(measureSplitBrain({ ops, present: presence(ops), nodeName: (n) => n, down: [] }).ms, 0);
  });

  it('does not count runs that only touch', () => {
    const ops = [...series('a', 'ok', 0, 1000, { node: 'x', step: 100, latency: 0 }), op('b1', 'ok', 900, 900, 'b', 'idc-b', 'y'), op('b2', 'ok', 950, 2000, 'b', 'idc-b', 'y')];
    assert.equal(measureSplitBrain({ ops, present: presence(ops), nodeName: (n) => n, down: [] }).ms, 0);
  });

  it('is not measured for a service with several writers by design', () => {
    const ops = series('c1', 'ok', 0, 1000, { node: 'x' });
    const r = checkService('mysql', {
      history: ops.map((o) => ({ ...o, service: 'mysql' })),
      finalState: { readAtMs: 0, services: [{ service: 'mysql', authoritativeNode: 'x', nodes: [{ node: 'x', idc: 'idc-b', role: 'primary', ids: ops.map((o) => o.id) }], unreadable: [] }] },
      faults: [],
      outageStartMs: null,
      outageEndMs: null,
      outageIdcs: [],
      rtoWindowMs: W,
      singleWriter: { mysql: false },
    });
    assert.equal(r.splitBrain, null);
  });
});

describe('RPO window', () => {
  it('spans the oldest to the newest lost acknowledgement, per service and per IDC, beside the exposure before the outage', () => {
    const ops = [op('a', 'ok', 9000, 9100, 'c1', 'idc-a'), op('b', 'ok', 12_000, 12_050, 'c2', 'idc-b'), op('c', 'ok', 15_000, 15_500, 'c1', 'idc-a'), op('d', 'ok', 16_000, 16_010, 'c2', 'idc-b')];
    const r = checkService('redis', {
      history: ops,
      finalState: { readAtMs: 0, services: [{ service: 'redis', authoritativeNode: 'r1', nodes: [{ node: 'r1', idc: 'idc-b', role: 'master', ids: ['d'] }], unreadable: [] }] },
      faults: [],
      outageStartMs: START,
      outageEndMs: null,
      outageIdcs: [],
      rtoWindowMs: W,
    });
    assert.deepEqual(r.rpo, { lostWrites: 3, windowMs: 15_500 - 9100, firstLostAckMs: 9100, lastLostAckMs: 15_500, beforeOutageMs: 900 });
    assert.deepEqual(
      r.byIdc.map((i) => [i.idc, i.lost, i.lostWindowMs]),
      [
        ['idc-a', 2, 15_500 - 9100],
        ['idc-b', 1, 0],
      ],
    );
  });
});
