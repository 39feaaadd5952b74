// RTO edge cases on hand-made histories: writes slower than the recovery
// window (a degraded link), and a group that took no write to measure.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CheckInput } from '../../src/core/check/check-types.js';
import { checkAll, checkService } from '../../src/core/check/checker.js';
import { measureRtoByClient } from '../../src/core/check/rto.js';
import { evaluateSlos } from '../../src/core/check/slo.js';
import type { FinalState, OpRecord, Outcome } from '../../src/core/history.js';

const START = 10_000;
const W = 1000;

function op(id: string, outcome: Outcome, invokeMs: number, completeMs: number | null, client = 'c1', kind: OpRecord['kind'] = 'write'): OpRecord {
  return { id, service: 'mysql', kind, client, idc: 'idc-b', invokeMs, completeMs, outcome };
}

/** A serial client: each write sent when the previous one is answered, `latency` ms later, in [from, to). */
function serial(client: string, outcome: Outcome, from: number, to: number, latency: number, tag: string = outcome): OpRecord[] {
  const out: OpRecord[] = [];
  for (let t = from; t < to; t += latency) out.push(op(`${client}-${tag}-${t}`, outcome, t, t + latency, client));
  return out;
}

function measure(ops: OpRecord[], lost: ReadonlySet<string> = new Set()) {
  return measureRtoByClient({ ops, present: Uint8Array.from(ops, (o) => (lost.has(o.id) ? 0 : 1)), periodStartMs: START, down: [], windowMs: W });
}

function finalState(history: OpRecord[], services: string[] = ['mysql']): FinalState {
  const ids = history.filter((o) => o.kind === 'write' && o.outcome === 'ok').map((o) => o.id);
  return { readAtMs: 60_000, services: services.map((service) => ({ service, authoritativeNode: 'm1', nodes: [{ node: 'm1', idc: 'idc-b', role: 'primary', ids: service === 'mysql' ? ids : [] }], unreadable: [] })) };
}

function input(history: OpRecord[], more: Partial<CheckInput> = {}): CheckInput {
  return {
    history,
    finalState: finalState(history),
    faults: [{ id: 'f1', spec: { kind: 'power', idc: 'idc-a' }, requestedMs: START, appliedMs: START + 400, healedMs: null }],
    outageStartMs: START,
    outageEndMs: null,
    outageIdcs: ['idc-a'],
    rtoWindowMs: W,
    ...more,
  };
}

describe('RTO with writes slower than the recovery window', () => {
  // After the failover every write crosses a degraded link: 1.1 s each, all durable.
  const degraded = [...serial('c1', 'ok', 8000, 10_000, 5), ...serial('c1', 'failed', 10_000, 12_000, 50), ...serial('c1', 'ok', 12_000, 30_000, 1100, 'slow')];

  it('ends the gap at the invoke of the first slow durable write', () => {
    const m = measure(degraded);
    assert.equal(m.worst?.recovered, true);
    assert.equal(m.worst?.rtoMs, 2000);
    assert.deepEqual(m.worst?.gaps, [{ startMs: 10_000, endMs: 12_000, lengthMs: 2000, interrupted: false }]);
    assert.equal(m.lastRecoveryMs, 12_000);
  });

  it('measures a client slow from the start: the gap runs from the fault to its first durable write after it', () => {
    // Writes at 3000, 4100, ... 9600 (in flight at the fault, timed out), 10 700 (timed out), 11 800 (durable) ...
    const ops = serial('c1', 'ok', 3000, 30_000, 1100).map((o) => (o.invokeMs === 9600 || o.invokeMs === 10_700 ? { ...o, outcome: 'unknown' as const } : o));
    assert.deepEqual(measure(ops).worst?.gaps, [{ startMs: 10_000, endMs: 11_800, lengthMs: 1800, interrupted: false }]);
  });

  it('is measured, and within its SLO, through checkService', () => {
    const r = checkService('mysql', input(degraded));
    assert.equal(r.recovered, true);
    assert.equal(r.rtoMs, 2000);
    const [slo] = evaluateSlos([r], { rtoMs: 5000 });
    assert.equal(slo!.ok, true, slo!.message);
  });

  it('still needs the slow write durable, and in flight to the window\'s end', () => {
    // Acknowledged and then lost: no service at all.
    const lost = new Set(degraded.filter((o) => o.invokeMs === 12_000).map((o) => o.id));
    assert.equal(measure(degraded, lost).worst?.rtoMs, 3100);
    // A lone write answered quickly, then nothing until 12.5 s: the client was not seen served through the window.
    const lonely = [...serial('c1', 'failed', 10_000, 11_000, 50), op('lonely', 'ok', 11_000, 11_010), ...serial('c1', 'ok', 12_500, 20_000, 1100, 'slow')];
    assert.equal(measure(lonely).worst?.rtoMs, 2500);
    // A slow write that failed, and one that was never answered, end nothing.
    const unanswered = [...serial('c1', 'failed', 10_000, 11_000, 50), op('slow-failed', 'failed', 11_000, 12_100), op('hung', 'unknown', 12_100, null)];
    assert.equal(measure(unanswered).worst?.recovered, false);
  });
});

describe('RTO of a group with no write to measure', () => {
  const mysql = [...serial('c1', 'ok', 8000, 10_000, 50), ...serial('c1', 'failed', 10_000, 11_000, 50), ...serial('c1', 'ok', 11_000, 20_000, 50, 'back')];

  it('is not measured, never a failure, for a group with no writes at all', () => {
    const all = checkAll({ ...input(mysql), finalState: finalState(mysql, ['mysql', 'redis']) });
    const redis = all.find((s) => s.name === 'redis')!;
    assert.equal(redis.attempted, 0);
    assert.equal(redis.rtoMs, null);
    assert.equal(redis.recovered, true);
    assert.match(redis.rtoSplit.note ?? '', /not measured/);
    const slos = evaluateSlos(all, { rtoMs: 5000 });
    assert.deepEqual(
      slos.map((s) => [s.name, s.ok, s.actual]),
      [
        ['mysql rtoMs <= 5000', true, 1000],
        ['redis rtoMs <= 5000', true, null],
      ],
    );
    assert.equal(slos[1]!.message, 'redis: no writes, RTO not measured');
  });

  it('is not measured for a group that only read, or whose writes all ended before the outage', () => {
    const reads = [op('r1', 'ok', 9000, 9001, 'c1', 'read'), op('r2', 'failed', 11_000, 11_500, 'c1', 'read')];
    const onlyReads = checkService('mysql', input(reads));
    assert.deepEqual([onlyReads.rtoMs, onlyReads.recovered], [null, true]);
    const before = serial('c1', 'ok', 8000, 9000, 50);
    const early = checkService('mysql', input(before));
    assert.deepEqual([early.rtoMs, early.recovered], [null, true]);
    const [slo] = evaluateSlos([early], { rtoMs: 5000 });
    assert.deepEqual([slo!.ok, slo!.message], [true, 'mysql: no write after the outage began, RTO not measured']);
  });

  it('still fails a group whose only clients wrote in the IDC that went down: nothing shows its writes came back', () => {
    const inDownIdc = [...serial('c1', 'ok', 8000, 10_000, 50), op('cut-off', 'unknown', 9990, null)].map((o) => ({ ...o, idc: 'idc-a' }));
    const r = checkService('mysql', input(inDownIdc));
    assert.deepEqual([r.rtoMs, r.recovered], [null, false]);
    assert.equal(evaluateSlos([r], { rtoMs: 5000 })[0]!.ok, false);
  });
});
