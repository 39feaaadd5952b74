// Stale-read age: hand-made histories with known answers, then generated
// histories checked against the ReadResult definition read literally (a slow
// oracle written here, independent of src/core/check/stale-reads.ts). Replay a
// failure with HADRILL_SEED=<seed> (printed in the suite name); the failing
// case's own seed is in the assertion message.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CheckInput, LatencyStats, PhaseStats, ReadResult, ServiceResult } from '../../src/core/check/check-types.js';
import { checkAll, checkService } from '../../src/core/check/checker.js';
import { mergeHistory } from '../../src/core/check/merge-history.js';
import type { FinalState, HistoryLine, OpRecord, Outcome, ServiceName } from '../../src/core/history.js';
import { Rand } from '../support/prng.js';

const SEED = process.env['HADRILL_SEED'] === undefined ? 0x5eed2024 : Number(process.env['HADRILL_SEED']) >>> 0;
const CASES = 2000;

// ---------------------------------------------------------------------------
// Hand-made histories

function write(id: string, client: string, idc: string, invokeMs: number, completeMs: number | null, outcome: Outcome = 'ok', more: Partial<OpRecord> = {}): OpRecord {
  return { id, service: 'mysql', kind: 'write', client, idc, invokeMs, completeMs, outcome, ...more };
}

function read(
  id: string,
  client: string,
  idc: string,
  invokeMs: number,
  completeMs: number | null,
  outcome: Outcome,
  observed: string | null | undefined,
  more: Partial<OpRecord> = {},
): OpRecord {
  const op: OpRecord = { id, service: 'mysql', kind: 'read', client, idc, invokeMs, completeMs, outcome, ...more };
  if (observed !== undefined) op.observed = observed;
  return op;
}

/** Ops in invoke order, ties in the order given: what mergeHistory hands the checker. */
function byInvoke(ops: OpRecord[]): OpRecord[] {
  return [...ops].sort((a, b) => a.invokeMs - b.invokeMs);
}

function handInput(ops: OpRecord[], finalIds: string[] | null, more: Partial<CheckInput> = {}): CheckInput {
  return {
    history: byInvoke(ops),
    finalState: {
      readAtMs: 100_000,
      services: [
        {
          service: 'mysql',
          authoritativeNode: finalIds === null ? null : 'm0',
          nodes: finalIds === null ? [] : [{ node: 'm0', idc: 'idc-a', role: 'primary', ids: finalIds }],
          unreadable: finalIds === null ? [{ node: 'm0', reason: 'container is gone' }] : [],
        },
      ],
    },
    faults: [],
    outageStartMs: null,
    outageEndMs: null,
    outageIdcs: [],
    rtoWindowMs: 100,
    ...more,
  };
}

function mysqlReads(input: CheckInput): ReadResult {
  // checkService judges even a service without an authoritative node (checkAll leaves those out).
  return checkService('mysql', input).reads;
}

function stats(count: number, p50Ms: number | null, p99Ms: number | null, maxMs: number | null): LatencyStats {
  return { count, p50Ms, p99Ms, maxMs };
}

function writeIdsOf(ops: OpRecord[]): string[] {
  return ops.filter((o) => o.kind === 'write').map((o) => o.id);
}

describe('stale reads: hand-made histories', () => {
  it('a read that saw the latest acknowledged write is fresh, with age 0', () => {
    const ops = [write('w1', 'c1', 'idc-a', 0, 10), write('w2', 'c1', 'idc-a', 20, 30), read('q1', 'c1', 'idc-a', 40, 43, 'ok', 'w2', { node: 'm1' })];
    const r = mysqlReads(handInput(ops, writeIdsOf(ops)));
    assert.deepEqual(r, {
      attempted: 1,
      ok: 1,
      failed: 0,
      stale: 0,
      unexplained: 0,
      staleAgeMs: stats(1, 0, 0, 0),
      latency: stats(1, 3, 3, 3),
      byIdc: [{ idc: 'idc-a', nodes: ['m1'], attempted: 1, ok: 1, failed: 0, stale: 0, p99AgeMs: 0, maxAgeMs: 0 }],
    });
  });

  it('a stale read is aged from the oldest acknowledgement it missed; failed, unknown and not yet acknowledged writes are not missed', () => {
    const ops = [
      write('w1', 'c1', 'idc-a', 0, 10),
      write('w2', 'c1', 'idc-a', 20, 30),
      write('w3', 'c1', 'idc-a', 35, 36, 'failed'),
      write('w4', 'c1', 'idc-a', 37, 80, 'unknown'),
      write('w5', 'c1', 'idc-a', 40, 45),
      write('w6', 'c1', 'idc-a', 90, 110),
      // Missed w2 (acknowledged at 30) and w5 (45); w6 was acknowledged after the read was sent.
      read('q1', 'c1', 'idc-a', 100, 105, 'ok', 'w1'),
      // Acknowledged exactly when the read was sent: missed, so stale, with age 0.
      read('q2', 'c1', 'idc-a', 110, 111, 'ok', 'w5'),
      read('q3', 'c1', 'idc-a', 120, 121, 'ok', 'w6'),
      read('q4', 'c1', 'idc-a', 120, 122, 'ok', 'w5'),
    ];
    const r = mysqlReads(handInput(ops, writeIdsOf(ops)));
    assert.equal(r.ok, 4);
    assert.equal(r.stale, 3);
    assert.equal(r.unexplained, 0);
    // Ages: q1 70, q2 0, q3 0, q4 10.
    assert.deepEqual(r.staleAgeMs, stats(4, 0, 70, 70));
    assert.deepEqual(r.latency, stats(4, 1, 5, 5));
  });

  it('finds answers far behind and far ahead of the previous one, and answers that are no write at all, among many writes', () => {
    // 300 writes of c1, one every 10 ms, acknowledged 5 ms later; the reads jump back and forth by
    // more than a short walk from the last answer covers.
    const ops: OpRecord[] = [];
    for (let i = 0; i < 300; i++) ops.push(write(`w${i}`, 'c1', 'idc-a', i * 10, i * 10 + 5));
    ops.push(read('q1', 'c1', 'idc-a', 3000, 3001, 'ok', 'w299'));
    ops.push(read('q2', 'c1', 'idc-a', 3000.5, 3001, 'ok', 'w10'));
    ops.push(read('q3', 'c1', 'idc-a', 3001, 3002, 'ok', 'w250'));
    ops.push(read('q4', 'c1', 'idc-a', 3002, 3003, 'ok', 'w-none'));
    ops.push(read('q5', 'c1', 'idc-a', 3003, 3004, 'ok', 'w249'));
    const r = mysqlReads(handInput(ops, writeIdsOf(ops)));
    assert.deepEqual([r.ok, r.stale, r.unexplained], [5, 3, 1]);
    // q1 fresh; q2 missed w11 (acknowledged at 115): 3000.5 - 115; q3 missed w251 (2515): 486;
    // q5 missed w250 (2505): 498.
    assert.deepEqual(r.staleAgeMs, stats(4, 486, 2885.5, 2885.5));
  });

  it('an answer of null misses every acknowledged write of the client', () => {
    const ops = [
      write('w1', 'c2', 'idc-a', 0, 10),
      write('w2', 'c2', 'idc-a', 20, 25),
      read('q1', 'c2', 'idc-a', 5, 6, 'ok', null), // w1 not acknowledged yet: fresh
      read('q2', 'c2', 'idc-a', 10, 11, 'ok', null), // w1 acknowledged at 10: stale, age 0
      read('q3', 'c2', 'idc-a', 50, 51, 'ok', null), // w1 and w2 missed: age 40
      read('q4', 'c3', 'idc-a', 60, 61, 'ok', null), // c3 never wrote: fresh
    ];
    const r = mysqlReads(handInput(ops, writeIdsOf(ops)));
    assert.equal(r.ok, 4);
    assert.equal(r.stale, 2);
    assert.equal(r.unexplained, 0);
    assert.deepEqual(r.staleAgeMs, stats(4, 0, 40, 40));
  });

  it('an answer naming no write of the reading client in this service is unexplained and has no age', () => {
    const ops = [
      write('m-c1', 'c1', 'idc-a', 0, 10),
      write('r-c1', 'c1', 'idc-a', 0, 5, 'ok', { service: 'redis' }),
      write('m-c2', 'c2', 'idc-a', 0, 10),
      read('q-other-client', 'c1', 'idc-a', 20, 21, 'ok', 'm-c2'),
      read('q-other-service', 'c1', 'idc-a', 30, 31, 'ok', 'r-c1'),
      read('q-never-written', 'c1', 'idc-a', 40, 41, 'ok', 'nope'),
      read('q-a-read', 'c1', 'idc-a', 50, 51, 'ok', 'q-other-client'),
      read('q-own', 'c1', 'idc-a', 60, 61, 'ok', 'm-c1'),
      read('q-no-writes', 'c9', 'idc-b', 70, 71, 'ok', 'm-c1'),
    ];
    const input = handInput(ops, ['m-c1', 'm-c2']);
    input.finalState.services.push({ service: 'redis', authoritativeNode: 'r0', nodes: [{ node: 'r0', idc: 'idc-a', role: 'master', ids: ['r-c1'] }], unreadable: [] });
    const r = mysqlReads(input);
    assert.equal(r.attempted, 6);
    assert.equal(r.ok, 6);
    assert.equal(r.unexplained, 5);
    assert.equal(r.stale, 0);
    assert.deepEqual(r.staleAgeMs, stats(1, 0, 0, 0));
    assert.deepEqual(r.latency, stats(6, 1, 1, 1));
    assert.deepEqual(
      r.byIdc.map((d) => [d.idc, d.ok, d.stale, d.p99AgeMs, d.maxAgeMs]),
      [
        ['idc-a', 5, 0, 0, 0],
        ['idc-b', 1, 0, null, null],
      ],
    );
  });

  it("an answer naming the client's own failed or unknown write is explained, and what came after it is missed", () => {
    const ops = [
      write('w1', 'c1', 'idc-a', 0, 10, 'failed'),
      write('w2', 'c1', 'idc-a', 20, null, 'unknown'),
      write('w3', 'c1', 'idc-a', 30, 40),
      read('q1', 'c1', 'idc-a', 50, 51, 'ok', 'w1'), // missed w3: age 10
      read('q2', 'c1', 'idc-a', 60, 61, 'ok', 'w2'), // missed w3: age 20
      read('q3', 'c1', 'idc-a', 70, 71, 'ok', 'w3'),
    ];
    const r = mysqlReads(handInput(ops, ['w2', 'w3']));
    assert.equal(r.unexplained, 0);
    assert.equal(r.stale, 2);
    assert.deepEqual(r.staleAgeMs, stats(3, 10, 20, 20));
  });

  it('a read observing a write newer than those it is judged against is fresh', () => {
    // Observed a write that completes after the read was sent: nothing newer was acknowledged.
    const ops = [write('w1', 'c1', 'idc-a', 0, 10), write('w2', 'c1', 'idc-a', 20, 100), read('q1', 'c1', 'idc-a', 50, 51, 'ok', 'w2')];
    const r = mysqlReads(handInput(ops, ['w1', 'w2']));
    assert.equal(r.stale, 0);
    assert.deepEqual(r.staleAgeMs, stats(1, 0, 0, 0));
  });

  it('a read sent after the outage started is judged only against writes that survived', () => {
    const ops = [
      write('w1', 'c1', 'idc-a', 100, 110),
      write('w2', 'c1', 'idc-a', 200, 210), // lost
      write('w3', 'c1', 'idc-a', 300, 310),
      write('w4', 'c1', 'idc-a', 1200, 1210), // lost
      read('q1', 'c1', 'idc-a', 950, 951, 'ok', 'w1'), // before the outage: missed w2, age 740
      read('q2', 'c1', 'idc-a', 1000, 1001, 'ok', 'w1'), // at its start: w2 no longer counts, age 690
      read('q3', 'c1', 'idc-a', 1500, 1501, 'ok', 'w3'), // w4 was lost: fresh
      read('q4', 'c1', 'idc-a', 1500, 1502, 'ok', 'w1'), // missed w3: age 1190
      read('q5', 'c1', 'idc-a', 1600, 1601, 'ok', 'w2'), // saw the lost write, then missed w3: age 1290
    ];
    const input = handInput(ops, ['w1', 'w3'], { outageStartMs: 1000, outageEndMs: 2000, outageIdcs: ['idc-b'] });
    const res = checkAll(input)[0]!;
    assert.deepEqual(res.lostIds, ['w2', 'w4']);
    assert.equal(res.reads.stale, 4);
    assert.equal(res.reads.unexplained, 0);
    assert.deepEqual(res.reads.staleAgeMs, stats(5, 740, 1290, 1290));
  });

  it('with no surviving node, reads after the outage started have nothing to miss', () => {
    const ops = [
      write('w1', 'c1', 'idc-a', 100, 110),
      write('w2', 'c1', 'idc-a', 200, 210),
      read('q1', 'c1', 'idc-a', 900, 901, 'ok', 'w1'), // before: missed w2, age 690
      read('q2', 'c1', 'idc-a', 1100, 1101, 'ok', null), // after: every write is lost
    ];
    const r = mysqlReads(handInput(ops, null, { outageStartMs: 1000, outageEndMs: null, outageIdcs: ['idc-a'] }));
    assert.equal(r.stale, 1);
    assert.deepEqual(r.staleAgeMs, stats(2, 0, 690, 690));
  });

  it('reads that erred, timed out or never completed are failed and have no age or latency', () => {
    const ops = [
      write('w1', 'c1', 'idc-a', 0, 10),
      read('q1', 'c1', 'idc-a', 20, 25, 'failed', undefined, { node: 'n1', error: 'ECONNREFUSED' }),
      read('q2', 'c1', 'idc-a', 30, null, 'unknown', undefined),
      read('q3', 'c1', 'idc-a', 40, 45, 'unknown', undefined, { node: 'n2' }),
      read('q4', 'c1', 'idc-a', 50, null, 'ok', 'w1'),
      read('q5', 'c1', 'idc-a', 60, 62, 'ok', null, { node: 'n1' }), // missed w1: age 50
    ];
    const r = mysqlReads(handInput(ops, ['w1']));
    assert.deepEqual(r, {
      attempted: 5,
      ok: 1,
      failed: 4,
      stale: 1,
      unexplained: 0,
      staleAgeMs: stats(1, 50, 50, 50),
      latency: stats(1, 2, 2, 2),
      byIdc: [{ idc: 'idc-a', nodes: ['n1', 'n2'], attempted: 5, ok: 1, failed: 4, stale: 1, p99AgeMs: 50, maxAgeMs: 50 }],
    });
  });

  it('splits reads by the reading client IDC, with the nodes read from', () => {
    const ops = [
      write('wa1', 'a1', 'idc-a', 0, 10),
      write('wa1b', 'a1', 'idc-a', 20, 40),
      write('wa2', 'a2', 'idc-a', 0, 10),
      write('wb1', 'b1', 'idc-b', 0, 10),
      write('wb2', 'b1', 'idc-b', 15, 20),
      read('qa1', 'a1', 'idc-a', 70, 71, 'ok', 'wa1', { node: 'db-a' }), // age 30
      read('qa2', 'a2', 'idc-a', 50, 51, 'ok', 'wa2', { node: 'db-a2' }), // fresh
      read('qa3', 'a2', 'idc-a', 60, 61, 'failed', undefined, { node: 'db-a3' }),
      read('qb1', 'b1', 'idc-b', 60, 61, 'ok', null, { node: 'db-b' }), // age 50
      read('qb2', 'b1', 'idc-b', 25, 26, 'ok', 'wb1', { node: 'db-b' }), // age 5
      read('qb3', 'b1', 'idc-b', 80, 81, 'ok', 'nope', { node: 'db-b' }), // unexplained
    ];
    const r = mysqlReads(handInput(ops, writeIdsOf(ops)));
    assert.equal(r.stale, 3);
    assert.equal(r.unexplained, 1);
    assert.deepEqual(r.staleAgeMs, stats(4, 5, 50, 50));
    assert.deepEqual(r.byIdc, [
      { idc: 'idc-a', nodes: ['db-a', 'db-a2', 'db-a3'], attempted: 3, ok: 2, failed: 1, stale: 1, p99AgeMs: 30, maxAgeMs: 30 },
      { idc: 'idc-b', nodes: ['db-b'], attempted: 3, ok: 3, failed: 0, stale: 2, p99AgeMs: 50, maxAgeMs: 50 },
    ]);
  });

  it('puts reads and their latency in the phase of their invoke time, apart from the writes', () => {
    // c2 (outside the failed IDC) fails until 2000 and then succeeds: with a
    // 100 ms window the RTO is 1000, so "during" ends at 2000.
    const ops = [
      write('w0', 'c2', 'idc-b', 500, 510),
      write('w1', 'c2', 'idc-b', 1000, 1100, 'failed'),
      write('w2', 'c2', 'idc-b', 1200, 1300, 'failed'),
      write('w3', 'c2', 'idc-b', 2000, 2010),
      write('w4', 'c2', 'idc-b', 2050, 2060),
      write('w5', 'c2', 'idc-b', 2100, 2110),
      write('w6', 'c2', 'idc-b', 2200, 2210),
      read('q1', 'c2', 'idc-b', 100, 105, 'ok', null),
      read('q2', 'c2', 'idc-b', 900, 907, 'ok', 'w0'),
      read('q3', 'c2', 'idc-b', 1000, 1050, 'ok', 'w0'),
      read('q4', 'c2', 'idc-b', 1500, 1600, 'failed', undefined),
      read('q5', 'c2', 'idc-b', 1999, 2029, 'ok', 'w0'),
      read('q6', 'c2', 'idc-b', 2000, 2003, 'ok', 'w0'),
      read('q7', 'c2', 'idc-b', 3000, 3004, 'ok', 'w6'),
    ];
    const res = checkAll(handInput(ops, writeIdsOf(ops), { outageStartMs: 1000, outageEndMs: 1800, outageIdcs: ['idc-a'] }))[0]!;
    assert.equal(res.rtoMs, 1000);
    const readSide = (p: PhaseStats) => ({ reads: p.reads, readErrors: p.readErrors, readLatency: p.readLatency });
    assert.deepEqual(readSide(res.phases.before), { reads: 2, readErrors: 0, readLatency: stats(2, 5, 7, 7) });
    assert.deepEqual(readSide(res.phases.during), { reads: 3, readErrors: 1, readLatency: stats(2, 30, 50, 50) });
    assert.deepEqual(readSide(res.phases.after), { reads: 2, readErrors: 0, readLatency: stats(2, 3, 4, 4) });
    // Writes only in the write side of the phases.
    assert.deepEqual([res.phases.before.ops, res.phases.during.ops, res.phases.after.ops], [1, 2, 4]);
    assert.deepEqual([res.phases.before.ok, res.phases.during.ok, res.phases.after.ok], [1, 0, 4]);
    assert.deepEqual(res.phases.before.writeLatency, stats(1, 10, 10, 10));
    // Every read saw the latest acknowledged write (w3 was acknowledged at 2010, after q6 was sent).
    assert.equal(res.reads.stale, 0);
    assert.equal(res.reads.attempted, 7);
  });

  it('reads change none of the write figures', () => {
    const writes = [
      write('w1', 'c1', 'idc-a', 0, 10),
      write('w2', 'c1', 'idc-a', 20, 30),
      write('w3', 'c2', 'idc-b', 25, 30, 'failed'),
      write('w4', 'c2', 'idc-b', 1100, 1110, 'unknown'),
      write('w5', 'c2', 'idc-b', 1200, 1210),
      write('w6', 'c2', 'idc-b', 1300, 1310),
      write('w7', 'c2', 'idc-b', 2500, 2510),
    ];
    const reads = [
      read('q1', 'c1', 'idc-a', 5, 6, 'ok', null),
      read('q2', 'c1', 'idc-a', 1050, 1060, 'failed', undefined),
      read('q3', 'c2', 'idc-b', 1150, 1160, 'unknown', undefined),
      read('q4', 'c2', 'idc-b', 1250, null, 'unknown', undefined),
      read('q5', 'c2', 'idc-b', 2000, 2001, 'ok', 'w6'),
    ];
    const more = { outageStartMs: 1000, outageEndMs: 1500, outageIdcs: ['idc-a'], rtoWindowMs: 100 };
    const final = ['w1', 'w4', 'w5', 'w6', 'w7'];
    const withReads = checkAll(handInput([...writes, ...reads], final, more))[0]!;
    const without = checkAll(handInput(writes, final, more))[0]!;
    // c2's first bad write (w4, unknown) was sent at 1100; w5 at 1200 starts a durable window.
    assert.equal(withReads.rtoMs, 100);
    assert.deepEqual(writeSide(withReads, true), writeSide(without, true));
    assert.equal(withReads.attempted, 7);
    assert.equal(withReads.reads.attempted, 5);
  });
});

/**
 * Everything checkAll reports about writes: a result minus its reads and the
 * read side of its phases. The timeline frame (start and bucket count) is
 * shared by every op of the check, so a read invoked before or after every
 * write moves it; with `sameFrame` false only each IDC's totals are compared.
 */
function writeSide(res: ServiceResult, sameFrame: boolean): unknown {
  const { reads: _reads, phases, timeline, ...rest } = res;
  const strip = (p: PhaseStats) => ({ ops: p.ops, ok: p.ok, failed: p.failed, unknown: p.unknown, errorRate: p.errorRate, writeLatency: p.writeLatency });
  const sum = (a: number[]) => a.reduce((x, y) => x + y, 0);
  return {
    ...rest,
    phases: { before: strip(phases.before), during: strip(phases.during), after: strip(phases.after) },
    timeline: sameFrame ? timeline : timeline.series.map((s) => ({ idc: s.idc, ok: sum(s.ok), failed: sum(s.failed), unknown: sum(s.unknown) })),
  };
}

// ---------------------------------------------------------------------------
// Randomized: generated histories against the definition

interface ReadCase {
  seed: number;
  input: CheckInput;
}

const END_MS = 2000;

/**
 * Several clients per IDC, each writing to and reading from one or both
 * services at once: sequential writes with the odd overlapping one, retries
 * right after a failure, agents that die mid-write and come back as a new
 * incarnation. Each client's writes become visible on its local node after
 * some lag (or never), and an ok read reports the latest write visible when it
 * ran, or now and then an answer from elsewhere. Times are whole milliseconds
 * in most cases (so ties happen) and fractional in some. The history goes
 * through mergeHistory, so the checker gets ops in the order it gets in a run.
 */
function generateReadCase(seed: number): ReadCase {
  const r = new Rand(seed);
  const fractional = r.chance(0.2);
  const jitter = (): number => (fractional ? r.next() : 0);
  const idcs = ['idc-a', 'idc-b', 'idc-c'].slice(0, r.int(1, 3));
  const services: ServiceName[] = r.chance(0.5) ? ['mysql', 'redis'] : [r.pick(['mysql', 'redis'] as const)];
  const lossRate = r.pick([0, 0.05, 0.3]);
  const lagRate = r.pick([0.1, 0.4, 0.8]);

  interface Written {
    op: OpRecord;
    visibleAt: number;
  }
  const files: HistoryLine[][] = [];
  const writesBy = new Map<string, Written[]>(); // by service and client
  const allIds = new Map<ServiceName, string[]>();
  const readIds: string[] = [];
  const pendingReads: { line: Extract<HistoryLine, { t: 'complete' }>; service: ServiceName; client: string; at: number; invokeMs: number; otherService: ServiceName | null }[] = [];
  for (const service of services) allIds.set(service, []);

  for (const idc of idcs) {
    for (let c = r.int(1, 3); c > 0; c--) {
      const client = `${idc}-c${c}`;
      const events: { at: number; line: HistoryLine }[] = [];
      const clientServices = services.length === 2 && r.chance(0.4) ? services : [r.pick(services)];
      for (const service of clientServices) {
        const written: Written[] = [];
        writesBy.set(`${service}/${client}`, written);
        let incarnation = 0;
        let n = 0;
        let t = r.int(0, 50) + jitter();
        while (t < END_MS) {
          const id = `${service[0]}.${client}.${incarnation}.${n++}`;
          const u = r.next();
          const outcome: Outcome = u < 0.8 ? 'ok' : u < 0.9 ? 'failed' : 'unknown';
          const duration = r.chance(0.1) ? 0 : r.chance(0.05) ? r.int(100, 400) + jitter() : r.int(1, 60) + jitter();
          const dies = outcome === 'unknown' && r.chance(0.3);
          const completeMs = dies ? null : t + duration;
          events.push({ at: t, line: { t: 'invoke', id, service, kind: 'write', client, idc, at: t } });
          if (completeMs !== null) events.push({ at: completeMs, line: { t: 'complete', id, at: completeMs, outcome, node: `${service}-${idc}` } });
          const lag = r.chance(lagRate) ? r.int(1, 600) : 0;
          const visibleAt =
            outcome === 'ok'
              ? completeMs! + lag
              : outcome === 'unknown'
                ? r.chance(0.5)
                  ? (completeMs ?? t) + lag
                  : Infinity
                : r.chance(0.03)
                  ? completeMs! + lag
                  : Infinity;
          const op: OpRecord = { id, service, kind: 'write', client, idc, invokeMs: t, completeMs, outcome };
          written.push({ op, visibleAt });
          allIds.get(service)!.push(id);
          if (dies) {
            // The agent restarts as a new incarnation, possibly while its last write still hangs.
            incarnation++;
            t += r.int(0, 100) + jitter();
          } else if (outcome !== 'ok') {
            // A retry, right away.
            t = completeMs! + r.int(0, 5);
          } else if (r.chance(0.05)) {
            // The odd write sent before the previous one was answered.
            t += r.int(0, Math.floor(duration));
          } else {
            t = completeMs! + r.int(0, 30) + jitter();
          }
        }
        // The read loop of the same client against its local node.
        let rt = r.int(0, 50) + jitter();
        for (let q = 0; rt < END_MS; q++) {
          const id = `${service[0]}q.${client}.${q}`;
          readIds.push(id);
          const u = r.next();
          const outcome: Outcome = u < 0.85 ? 'ok' : u < 0.95 ? 'failed' : 'unknown';
          const duration = r.chance(0.1) ? 0 : r.int(1, 40) + jitter();
          const hangs = outcome === 'unknown' && r.chance(0.5);
          const node = r.chance(0.9) ? `${service}-${idc}` : `${service}-${idc}-old`;
          events.push({ at: rt, line: { t: 'invoke', id, service, kind: 'read', client, idc, at: rt } });
          if (!hangs) {
            const line: Extract<HistoryLine, { t: 'complete' }> = { t: 'complete', id, at: rt + duration, outcome };
            if (r.chance(0.95)) line.node = node;
            events.push({ at: rt + duration, line });
            if (outcome === 'ok') {
              const otherService = clientServices.find((s) => s !== service) ?? null;
              pendingReads.push({ line, service, client, at: rt + r.next() * duration, invokeMs: rt, otherService });
            }
          }
          rt += duration + r.int(0, 40) + jitter();
        }
      }
      // An agent's file is in the order its lines were written.
      events.sort((a, b) => a.at - b.at);
      files.push(events.map((e) => e.line));
    }
  }

  // What each ok read saw: the latest of its client's writes visible on the
  // node when it ran, or now and then something else.
  for (const p of pendingReads) {
    const written = writesBy.get(`${p.service}/${p.client}`)!;
    let observed: string | null = null;
    for (const w of written) if (w.visibleAt <= p.at) observed = w.op.id;
    if (r.chance(0.1)) {
      const v = r.int(0, 6);
      if (v === 0) observed = null;
      else if (v === 1 && written.length > 0) observed = r.pick(written).op.id;
      else if (v === 2) observed = r.pick(allIds.get(p.service)!);
      else if (v === 3) observed = r.pick(readIds);
      else if (v === 4) observed = `${p.service}-ghost`;
      else if (v === 5 && p.otherService !== null) {
        const other = writesBy.get(`${p.otherService}/${p.client}`)!;
        if (other.length > 0) observed = r.pick(other).op.id;
      } else if (v === 6) {
        // An answer from the future: a write sent after the read.
        const later = written.filter((w) => w.op.invokeMs > p.invokeMs);
        if (later.length > 0) observed = r.pick(later).op.id;
      }
    }
    p.line.observed = observed;
  }

  const merged = mergeHistory(files.flat());
  assert.equal(merged.orphanCompletions, 0);
  assert.equal(merged.duplicates, 0);
  const history = merged.ops;
  // The checker must also cope with an ok read that has no completion time.
  for (const op of history) if (op.kind === 'read' && op.outcome === 'ok' && r.chance(0.01)) op.completeMs = null;

  let outageStartMs: number | null = r.chance(0.75) ? r.int(300, 1500) + jitter() : null;
  if (outageStartMs !== null && r.chance(0.3)) {
    // Exactly at some read's invoke, to try the boundary.
    const reads = history.filter((o) => o.kind === 'read');
    if (reads.length > 0) outageStartMs = r.pick(reads).invokeMs;
  }

  const finalServices: FinalState['services'] = [];
  for (const service of services) {
    if (r.chance(0.04)) continue; // vanished from the final read
    const survives = !r.chance(0.07);
    const ids: string[] = [];
    if (survives) {
      for (const [key, written] of writesBy) {
        if (!key.startsWith(`${service}/`)) continue;
        for (const { op } of written) {
          const keep = op.outcome === 'ok' ? !r.chance(lossRate) : op.outcome === 'unknown' ? r.chance(0.5) : r.chance(0.03);
          if (keep) ids.push(op.id);
        }
      }
      if (r.chance(0.2)) ids.push(`${service}-ghost`);
    }
    finalServices.push({
      service,
      authoritativeNode: survives ? `${service}-n0` : null,
      nodes: survives ? [{ node: `${service}-n0`, idc: r.pick(idcs), role: 'primary', ids }] : [],
      unreadable: survives ? [] : [{ node: `${service}-n0`, reason: 'container is gone' }],
    });
  }

  const input: CheckInput = {
    history,
    finalState: { readAtMs: END_MS + 5000, services: finalServices },
    faults: [],
    outageStartMs,
    outageEndMs: outageStartMs === null ? null : outageStartMs + 500,
    outageIdcs: outageStartMs === null ? [] : [r.pick(idcs)],
    rtoWindowMs: r.pick([50, 100, 300]),
  };
  return { seed, input };
}

/** Nearest-rank p50/p99/max by sorting. */
function oracleStats(values: number[]): LatencyStats {
  if (values.length === 0) return { count: 0, p50Ms: null, p99Ms: null, maxMs: null };
  const s = [...values].sort((a, b) => a - b);
  const at = (p: number) => s[Math.max(0, Math.ceil(p * s.length) - 1)]!;
  return { count: s.length, p50Ms: at(0.5), p99Ms: at(0.99), maxMs: s[s.length - 1]! };
}

interface OracleReads {
  result: ReadResult;
  phases: { reads: number; readErrors: number; readLatency: LatencyStats }[];
}

/** The ReadResult definition, read literally. */
/** recoveredAtMs: the end of the "during" phase (the last client's recovery), null when writes never recovered. */
function oracleReads(ops: readonly OpRecord[], finalIds: ReadonlySet<string>, outageStartMs: number | null, recoveredAtMs: number | null): OracleReads {
  const reads = ops.filter((o) => o.kind === 'read');
  const phaseOf = (t: number): number => (outageStartMs === null || t < outageStartMs ? 0 : recoveredAtMs === null || t < recoveredAtMs ? 1 : 2);
  const phases = [0, 1, 2].map(() => ({ reads: 0, readErrors: 0, latencies: [] as number[] }));
  const idcs = new Map<string, { nodes: Set<string>; attempted: number; ok: number; failed: number; stale: number; ages: number[] }>();
  const ages: number[] = [];
  const latencies: number[] = [];
  let ok = 0;
  let failed = 0;
  let stale = 0;
  let unexplained = 0;
  const writesOf = new Map<string, OpRecord[]>();
  for (const q of reads) {
    let d = idcs.get(q.idc);
    if (d === undefined) idcs.set(q.idc, (d = { nodes: new Set(), attempted: 0, ok: 0, failed: 0, stale: 0, ages: [] }));
    d.attempted++;
    if (q.node !== undefined) d.nodes.add(q.node);
    const phase = phases[phaseOf(q.invokeMs)]!;
    phase.reads++;
    if (q.outcome !== 'ok' || q.completeMs === null) {
      failed++;
      d.failed++;
      phase.readErrors++;
      continue;
    }
    ok++;
    d.ok++;
    latencies.push(q.completeMs - q.invokeMs);
    phase.latencies.push(q.completeMs - q.invokeMs);
    let mine = writesOf.get(q.client);
    if (mine === undefined) writesOf.set(q.client, (mine = ops.filter((o) => o.kind === 'write' && o.client === q.client)));
    let after = mine;
    if (q.observed !== null) {
      const at = mine.findIndex((o) => o.id === q.observed);
      if (at === -1) {
        unexplained++;
        continue;
      }
      after = mine.slice(at + 1);
    }
    const afterOutage = outageStartMs !== null && q.invokeMs >= outageStartMs;
    const missed = after.filter((w) => w.outcome === 'ok' && w.completeMs !== null && w.completeMs <= q.invokeMs && (!afterOutage || finalIds.has(w.id)));
    const age = missed.length === 0 ? 0 : q.invokeMs - Math.min(...missed.map((w) => w.completeMs!));
    if (missed.length > 0) {
      stale++;
      d.stale++;
    }
    ages.push(age);
    d.ages.push(age);
  }
  return {
    result: {
      attempted: reads.length,
      ok,
      failed,
      stale,
      unexplained,
      staleAgeMs: oracleStats(ages),
      latency: oracleStats(latencies),
      byIdc: [...idcs.entries()]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([idc, d]) => {
          const s = oracleStats(d.ages);
          return { idc, nodes: [...d.nodes].sort(), attempted: d.attempted, ok: d.ok, failed: d.failed, stale: d.stale, p99AgeMs: s.p99Ms, maxAgeMs: s.maxMs };
        }),
    },
    phases: phases.map((p) => ({ reads: p.reads, readErrors: p.readErrors, readLatency: oracleStats(p.latencies) })),
  };
}

function finalIdsOf(input: CheckInput, service: ServiceName): Set<string> {
  const state = input.finalState.services.find((s) => s.service === service);
  if (state === undefined || state.authoritativeNode === null) return new Set();
  return new Set(state.nodes.find((n) => n.node === state.authoritativeNode)?.ids ?? []);
}

function caseSeed(i: number): number {
  return (SEED + Math.imul(i, 0x2545f491)) >>> 0;
}

describe(`stale reads: randomized against the definition (HADRILL_SEED=${SEED}, ${CASES} cases)`, () => {
  it('checkAll gives the stale counts, ages, failures, per-IDC split and phase reads of the definition', () => {
    const seen = { reads: 0, stale: 0, staleAfterOutage: 0, unexplained: 0, failed: 0, positiveAge: 0 };
    for (let i = 0; i < CASES; i++) {
      const c = generateReadCase(caseSeed(i));
      const where = `case seed ${c.seed} (suite seed ${SEED})`;
      for (const res of checkAll(c.input)) {
        const ops = c.input.history.filter((o) => o.service === res.name);
        const want = oracleReads(ops, finalIdsOf(c.input, res.name), c.input.outageStartMs, res.rto.recoveredAtMs);
        assert.deepEqual(res.reads, want.result, `${where}, service ${res.name}`);
        const p = res.phases;
        assert.deepEqual(
          [p.before, p.during, p.after].map((s) => ({ reads: s.reads, readErrors: s.readErrors, readLatency: s.readLatency })),
          want.phases,
          `${where}, service ${res.name}, phases`,
        );
        seen.reads += res.reads.attempted;
        seen.stale += res.reads.stale;
        seen.unexplained += res.reads.unexplained;
        seen.failed += res.reads.failed;
        if (res.reads.staleAgeMs.maxMs !== null && res.reads.staleAgeMs.maxMs > 0) seen.positiveAge++;
        if (c.input.outageStartMs !== null) {
          const start = c.input.outageStartMs;
          const late = oracleReads(
            ops.filter((o) => o.kind === 'write' || o.invokeMs >= start),
            finalIdsOf(c.input, res.name),
            start,
            res.rto.recoveredAtMs,
          );
          seen.staleAfterOutage += late.result.stale;
        }
      }
    }
    // The generator must reach every branch, or the comparison above proves little.
    assert.ok(seen.stale > seen.reads / 50, `stale reads generated: ${JSON.stringify(seen)}`);
    assert.ok(seen.staleAfterOutage > CASES, `stale reads after an outage: ${JSON.stringify(seen)}`);
    assert.ok(seen.unexplained > CASES, `unexplained reads generated: ${JSON.stringify(seen)}`);
    assert.ok(seen.failed > CASES, `failed reads generated: ${JSON.stringify(seen)}`);
    assert.ok(seen.positiveAge > CASES / 2, `services with a positive stale age: ${JSON.stringify(seen)}`);
  });

  it('reads leave every write figure as it is without them', () => {
    for (let i = 0; i < CASES; i += 4) {
      const c = generateReadCase(caseSeed(i));
      const where = `case seed ${c.seed} (suite seed ${SEED})`;
      const withReads = checkAll(c.input);
      const writesOnly = checkAll({ ...c.input, history: c.input.history.filter((o) => o.kind === 'write') });
      for (const res of withReads) {
        const other = writesOnly.find((s) => s.name === res.name);
        if (other === undefined) {
          // A service with reads only: no write figure at all.
          assert.deepEqual([res.attempted, res.acknowledged, res.lost, res.rtoMs], [0, 0, 0, null], where);
          continue;
        }
        assert.deepEqual(writeSide(res, false), writeSide(other, false), `${where}, service ${res.name}`);
      }
    }
  });
});
