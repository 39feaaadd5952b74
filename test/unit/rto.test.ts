import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkService, measureRto } from '../../src/core/check/checker.js';
import type { OpRecord, Outcome } from '../../src/core/history.js';

const START = 10_000;
const W = 1000;

function op(id: string, outcome: Outcome, invokeMs: number, completeMs: number | null, idc = 'idc-b', client = 'c1'): OpRecord {
  return { id, service: 'redis', kind: 'write', client, idc, invokeMs, completeMs, outcome };
}

/** One op every `step` ms in [from, to), each completing after `latency` ms. */
function series(prefix: string, outcome: Outcome, from: number, to: number, step = 100, idc = 'idc-b', latency = 20): OpRecord[] {
  const out: OpRecord[] = [];
  for (let t = from; t < to; t += step) out.push(op(`${prefix}-${t}`, outcome, t, t + latency, idc, `${prefix}-client`));
  return out;
}

function rto(ops: OpRecord[], outageIdcs: string[] = ['idc-a'], windowMs = W): number | null {
  return measureRto(ops, START, outageIdcs, windowMs);
}

describe('measureRto', () => {
  it('starts at the first sustained window and ignores writes before the outage', () => {
    const ops = [...series('pre', 'failed', 8000, 10_000), ...series('x', 'failed', 10_000, 12_000), ...series('y', 'ok', 12_000, 20_000)];
    assert.equal(rto(ops), 2000);
  });

  it('is 0 when surviving clients never noticed the outage', () => {
    assert.equal(rto(series('x', 'ok', 9000, 20_000)), 0);
  });

  it('skips a window broken by a failure', () => {
    const ops = [...series('a', 'ok', 11_000, 11_600), op('bad', 'failed', 11_600, 11_650), ...series('b', 'ok', 11_700, 20_000)];
    assert.equal(rto(ops), 1700);
  });

  it('includes both ends of the window', () => {
    const ok = series('a', 'ok', 11_000, 20_000, 250);
    // Every window up to the failure's own instant contains it; 12 000 itself ties with it.
    assert.equal(rto([...ok, op('edge', 'failed', 11_000 + W, 12_010, 'idc-c', 'c2')]), 2250);
    assert.equal(rto([...ok, op('past-edge', 'failed', 11_000 + W + 0.5, 12_010, 'idc-c', 'c2')]), 1000);
  });

  it('treats ops at the same instant as the candidate as inside its window, whatever their order', () => {
    const after = series('b', 'ok', 11_100, 20_000);
    const okAt = op('ok-at', 'ok', 11_000, 11_020);
    const badAt = op('bad-at', 'failed', 11_000, 11_030, 'idc-c', 'c2');
    assert.equal(rto([okAt, badAt, ...after]), 1100);
    assert.equal(rto([badAt, okAt, ...after]), 1100);
  });

  it('never recovers when every surviving write fails', () => {
    assert.equal(rto(series('x', 'failed', 10_000, 30_000)), null);
  });

  it('never recovers when writes are too sparse to fill a window', () => {
    assert.equal(rto(series('x', 'ok', 10_000, 30_000, 1500)), null);
  });

  it('needs two ops in the window', () => {
    const ops = [op('lonely', 'ok', 11_000, 11_010), ...series('x', 'ok', 12_500, 20_000)];
    assert.equal(rto(ops), 2500);
  });

  it('ignores clients of the failed IDC', () => {
    const ops = [...series('dead', 'unknown', 10_000, 20_000, 50, 'idc-a'), ...series('x', 'ok', 11_000, 20_000)];
    assert.equal(rto(ops, ['idc-a']), 1000);
    assert.equal(rto(ops, []), null, 'counted as surviving, the dead IDC would block recovery');
  });

  it('does not let a hung op invoked before the window break it', () => {
    const ops = [op('hang', 'failed', 10_500, 15_000, 'idc-b', 'c2'), ...series('x', 'ok', 11_000, 20_000)];
    assert.equal(rto(ops), 1000);
  });

  it('lets an op invoked inside the window that hangs and then fails break it', () => {
    const ops = [op('hang', 'failed', 11_250, 15_000, 'idc-b', 'c2'), ...series('x', 'ok', 11_000, 20_000)];
    assert.equal(rto(ops), 1300);
  });

  it('counts an op whose agent died (no completion) as a break', () => {
    const ops = [op('died', 'unknown', 11_050, null, 'idc-b', 'c2'), ...series('x', 'ok', 11_000, 20_000)];
    assert.equal(rto(ops), 1100);
  });

  it('needs the history to cover the window', () => {
    const short = series('x', 'ok', 11_000, 11_600);
    assert.equal(rto(short), null, 'the drill stopped before a full window of writes was seen');
    const slowLast = [...short, op('slow', 'ok', 11_600, 12_000)];
    assert.equal(rto(slowLast), 1000, 'a last ok write completing at the window end covers it');
    const slowFailedLast = [...short, op('slow', 'failed', 11_600, 12_500)];
    assert.equal(rto(slowFailedLast), null);
  });

  it('is linear enough for adversarial histories', () => {
    // A failure every 50 ops keeps every window broken: a nested scan would be quadratic.
    const ops: OpRecord[] = [];
    for (let i = 0; i < 300_000; i++) ops.push(op(`o${i}`, i % 50 === 0 ? 'failed' : 'ok', START + i, START + i + 1));
    const t0 = performance.now();
    assert.equal(rto(ops, [], 10_000), null);
    assert.ok(performance.now() - t0 < 3000, 'took too long');
  });
});

describe('RTO through checkService', () => {
  function run(history: OpRecord[], outageStartMs: number | null) {
    return checkService('redis', {
      history,
      finalState: { readAtMs: 0, services: [] },
      faults: [],
      outageStartMs,
      outageEndMs: null,
      outageIdcs: ['idc-a'],
      rtoWindowMs: W,
    });
  }

  it('reports recovered=false and a null RTO when writes never recovered', () => {
    const r = run(series('x', 'failed', 10_000, 20_000), START);
    assert.equal(r.rtoMs, null);
    assert.equal(r.recovered, false);
    assert.equal(r.phases.after.ops, 0, 'without recovery the outage phase runs to the end');
    assert.equal(r.phases.during.ops, 100);
  });

  it('reports a null RTO but recovered=true without an outage', () => {
    const r = run(series('x', 'failed', 10_000, 20_000), null);
    assert.equal(r.rtoMs, null);
    assert.equal(r.recovered, true);
  });
});
