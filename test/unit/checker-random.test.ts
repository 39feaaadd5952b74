// Randomized ground truth: each case decides, op by op, whether the write
// survives, so the right lost/unknown/unexpected counts are known before the
// checker runs. Replay a failure with HADRILL_SEED=<seed> (printed in the test
// name); the failing case's own seed is in the assertion message.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CheckInput, ServiceResult } from '../../src/core/check/check-types.js';
import { checkAll, incompleteServices } from '../../src/core/check/checker.js';
import { measureRtoByClient } from '../../src/core/check/rto.js';
import { measureSplitBrain } from '../../src/core/check/split-brain.js';
import { mergeHistory, parseHistoryJsonl } from '../../src/core/check/merge-history.js';
import type { FinalState, HistoryLine, NodeState, OpRecord, Outcome, ServiceName } from '../../src/core/history.js';
import { Rand } from '../support/prng.js';
import { literalRpoWindowMs, literalServiceRto, literalSplitBrainMs } from '../support/literal-definitions.js';

const SEED = process.env['HADRILL_SEED'] === undefined ? 0x5eed2024 : Number(process.env['HADRILL_SEED']) >>> 0;
const CASES = 3000;

interface Expected {
  attempted: number;
  acknowledged: number;
  failed: number;
  unknown: number;
  lostIds: string[];
  unknownPresent: number;
  unknownAbsent: number;
  unexpectedIds: string[];
  divergent: number;
  rpoBeforeOutageMs: number | null;
  byIdc: ServiceResult['byIdc'];
  oldestLostAck: number;
  /** No authoritative node: the service must be left out of the check, listed as incomplete. */
  incomplete: boolean;
}

interface Case {
  seed: number;
  input: CheckInput;
  files: string[];
  expected: Map<ServiceName, Expected>;
}

const END_MS = 10_000;

function outcomeFor(r: Rand, inFailedIdc: boolean, t: number, outageStart: number | null, recoveryAt: number): Outcome {
  const u = r.next();
  if (outageStart !== null && t >= outageStart && inFailedIdc) return u < 0.45 ? 'unknown' : u < 0.9 ? 'failed' : 'ok';
  if (outageStart !== null && t >= outageStart && t < recoveryAt) return u < 0.6 ? 'failed' : u < 0.8 ? 'unknown' : 'ok';
  return u < 0.93 ? 'ok' : u < 0.97 ? 'failed' : 'unknown';
}

function emptyExpected(): Expected {
  return {
    attempted: 0,
    acknowledged: 0,
    failed: 0,
    unknown: 0,
    lostIds: [],
    unknownPresent: 0,
    unknownAbsent: 0,
    unexpectedIds: [],
    divergent: 0,
    rpoBeforeOutageMs: null,
    byIdc: [],
    oldestLostAck: Infinity,
    incomplete: false,
  };
}

function generateCase(seed: number): Case {
  const r = new Rand(seed);
  const idcs = ['idc-a', 'idc-b', 'idc-c', 'idc-d'].slice(0, r.int(2, 4));
  const outageStart = r.chance(0.8) ? r.int(2000, 6000) : null;
  const outageIdcs = outageStart === null ? [] : [r.pick(idcs)];
  const recoveryAt = (outageStart ?? 0) + r.int(0, 4000);
  const services: ServiceName[] = r.chance(0.5) ? ['mysql', 'redis'] : [r.pick(['mysql', 'redis'] as const)];
  const lossRate = r.pick([0, 0.01, 0.05, 0.2]);

  const ops: OpRecord[] = [];
  const files: string[] = [];
  const clients = r.int(2, 6);
  for (let c = 0; c < clients; c++) {
    const client = `c${c}`;
    const idc = r.pick(idcs);
    const service = r.pick(services);
    const lines: HistoryLine[] = [];
    let t = r.int(0, 200);
    for (let n = 0; t < END_MS; n++) {
      const id = `${service}-${client}-${n}`;
      const dies = outageIdcs.includes(idc) && outageStart !== null && t >= outageStart;
      const outcome = outcomeFor(r, outageIdcs.includes(idc), t, outageStart, recoveryAt);
      const duration = r.chance(0.02) ? r.int(1000, 5000) : r.int(1, 300);
      const completeMs = outcome === 'unknown' && dies && r.chance(0.5) ? null : t + duration;
      ops.push({ id, service, kind: 'write', client, idc, invokeMs: t, completeMs, outcome });
      lines.push({ t: 'invoke', id, service, kind: 'write', client, idc, at: t });
      // The agent died before seeing the outcome: nothing more from this client.
      if (completeMs === null) break;
      lines.push({ t: 'complete', id, at: completeMs, outcome });
      t = completeMs + r.int(0, 50);
    }
    let text = lines.map((l) => JSON.stringify(l)).join('\n') + '\n';
    // Half a line from an agent killed mid-write must be ignored, not counted.
    if (r.chance(0.3)) text += JSON.stringify({ t: 'invoke', id: `${client}-cut`, service, kind: 'write', client, idc, at: t }).slice(0, r.int(1, 40));
    files.push(text);
  }

  const expected = new Map<ServiceName, Expected>();
  const finalServices: FinalState['services'] = [];
  for (const service of services) {
    const exp = emptyExpected();
    const survives = !r.chance(0.06);
    const present = new Set<string>();
    const idcStats = new Map<string, ServiceResult['byIdc'][number]>();
    for (const op of ops) {
      if (op.service !== service) continue;
      exp.attempted++;
      let s = idcStats.get(op.idc);
      if (s === undefined) idcStats.set(op.idc, (s = { idc: op.idc, attempted: 0, acknowledged: 0, failed: 0, unknown: 0, lost: 0, lostWindowMs: null, steadyWriteLatency: sortedStats([]) }));
      s.attempted++;
      if (op.outcome === 'ok') {
        exp.acknowledged++;
        s.acknowledged++;
        if (survives && !r.chance(lossRate)) present.add(op.id);
        else {
          exp.lostIds.push(op.id);
          s.lost++;
          exp.oldestLostAck = Math.min(exp.oldestLostAck, op.completeMs!);
        }
      } else if (op.outcome === 'unknown') {
        exp.unknown++;
        s.unknown++;
        if (survives && r.chance(0.5)) {
          present.add(op.id);
          exp.unknownPresent++;
        } else exp.unknownAbsent++;
      } else {
        exp.failed++;
        s.failed++;
        if (survives && r.chance(0.02)) {
          present.add(op.id);
          exp.unexpectedIds.push(op.id);
        }
      }
    }
    if (survives) {
      for (let g = r.int(0, 2); g > 0; g--) {
        const ghost = `${service}-ghost-${g}`;
        present.add(ghost);
        exp.unexpectedIds.push(ghost);
      }
    }
    for (const s of idcStats.values()) {
      const acks = ops.filter((o) => o.service === service && o.idc === s.idc && exp.lostIds.includes(o.id)).map((o) => o.completeMs!);
      s.lostWindowMs = acks.length === 0 ? null : Math.max(...acks) - Math.min(...acks);
      // Steady state: acknowledged writes invoked before the outage (all of them without one).
      const steady = ops.filter((o) => o.service === service && o.idc === s.idc && o.outcome === 'ok' && o.completeMs !== null && (outageStart === null || o.invokeMs < outageStart));
      s.steadyWriteLatency = sortedStats(steady.map((o) => o.completeMs! - o.invokeMs));
    }
    exp.byIdc = [...idcStats.values()].sort((a, b) => a.idc.localeCompare(b.idc));
    if (outageStart !== null && exp.lostIds.length > 0) exp.rpoBeforeOutageMs = Math.max(0, outageStart - exp.oldestLostAck);
    exp.incomplete = !survives && exp.attempted > 0;

    // Replicas: mostly the final set, missing a few, plus some lost writes
    // the old primary had; every id's node count is tracked as it is placed.
    const nodes: NodeState[] = [];
    const onNodes = new Map<string, number>();
    const place = (node: NodeState, id: string): void => {
      node.ids.push(id);
      onNodes.set(id, (onNodes.get(id) ?? 0) + 1);
    };
    if (survives) {
      const auth: NodeState = { node: `${service}-n0`, idc: r.pick(idcs), role: 'primary', ids: [] };
      for (const id of present) place(auth, id);
      nodes.push(auth);
    }
    for (let k = r.int(0, 2); k > 0; k--) {
      const replica: NodeState = { node: `${service}-n${k}`, idc: r.pick(idcs), role: 'replica', ids: [] };
      for (const id of present) if (!r.chance(0.02)) place(replica, id);
      for (const id of exp.lostIds) if (r.chance(0.3)) place(replica, id);
      nodes.push(replica);
    }
    for (const count of onNodes.values()) if (count < nodes.length) exp.divergent++;
    // A service can vanish from the final read altogether: same verdict as no authoritative node.
    const vanished = !survives && nodes.length === 0 && r.chance(0.5);
    if (!vanished) {
      finalServices.push({
        service,
        authoritativeNode: survives ? `${service}-n0` : null,
        nodes: r.shuffle(nodes),
        unreadable: survives ? [] : [{ node: `${service}-n0`, reason: 'container is gone' }],
      });
    }
    if (exp.attempted > 0 || finalServices.some((s) => s.service === service)) expected.set(service, exp);
  }

  const input: CheckInput = {
    history: r.shuffle(ops),
    finalState: { readAtMs: END_MS + 5000, services: finalServices },
    faults: [],
    outageStartMs: outageStart,
    outageEndMs: outageStart === null ? null : outageStart + 3000,
    outageIdcs,
    rtoWindowMs: r.pick([100, 500, 1000, 2000]),
  };
  return { seed, input, files, expected };
}

function assertMatches(c: Case, results: ServiceResult[], via: string): void {
  const where = `${via}: case seed ${c.seed} (suite seed ${SEED})`;
  const judged = [...c.expected.entries()].filter(([, e]) => !e.incomplete).map(([name]) => name);
  assert.deepEqual(results.map((s) => s.name), judged.sort(), where);
  assert.deepEqual(
    incompleteServices(c.input).map((i) => i.name),
    [...c.expected.entries()].filter(([, e]) => e.incomplete).map(([name]) => name).sort(),
    `${where}: services without an authoritative node are listed, not judged`,
  );
  for (const res of results) {
    const exp = c.expected.get(res.name)!;
    const ops = c.input.history.filter((o) => o.service === res.name && o.kind === 'write');
    const start = c.input.outageStartMs;
    const lost = new Set(exp.lostIds);
    const present = new Set(c.input.finalState.services.find((s) => s.service === res.name)?.nodes.find((n) => n.node === res.authoritativeNode)?.ids ?? []);
    const durable = (id: string): boolean => present.has(id) && !lost.has(id);
    const down = c.input.outageIdcs.map((idc) => ({ idc, fromMs: start ?? 0, toMs: null }));
    const rto = start === null ? null : literalServiceRto(ops, durable, start, down, c.input.rtoWindowMs);
    const lostAcks = ops.filter((o) => lost.has(o.id)).map((o) => o.completeMs!);
    assert.deepEqual(
      {
        attempted: res.attempted,
        acknowledged: res.acknowledged,
        failed: res.failed,
        unknown: res.unknown,
        lost: res.lost,
        lostIds: [...res.lostIds].sort(),
        // Every lost write has exactly one cause: the groups partition the lost ids.
        lostByCause: (res.lostCauses ?? []).flatMap((g) => g.ids).sort(),
        unknownPresent: res.unknownPresent,
        unknownAbsent: res.unknownAbsent,
        unexpectedIds: [...res.unexpectedIds].sort(),
        divergent: res.divergent,
        rpo: res.rpo,
        byIdc: res.byIdc,
        rtoMs: res.rtoMs,
        recovered: res.recovered,
        clientRtos: res.rto.byClient.filter((x) => x.measured).map((x) => [x.client, x.rtoMs, x.recovered]),
        recoveredAtMs: res.rto.recoveredAtMs,
      },
      {
        attempted: exp.attempted,
        acknowledged: exp.acknowledged,
        failed: exp.failed,
        unknown: exp.unknown,
        lost: exp.lostIds.length,
        lostIds: [...exp.lostIds].sort(),
        lostByCause: [...exp.lostIds].sort(),
        unknownPresent: exp.unknownPresent,
        unknownAbsent: exp.unknownAbsent,
        unexpectedIds: [...exp.unexpectedIds].sort(),
        divergent: exp.divergent,
        rpo: {
          lostWrites: exp.lostIds.length,
          windowMs: literalRpoWindowMs(ops, durable),
          firstLostAckMs: lostAcks.length === 0 ? null : Math.min(...lostAcks),
          lastLostAckMs: lostAcks.length === 0 ? null : Math.max(...lostAcks),
          beforeOutageMs: exp.rpoBeforeOutageMs,
        },
        byIdc: exp.byIdc,
        rtoMs: rto === null ? null : rto.rtoMs,
        recovered: rto === null ? true : rto.recovered,
        clientRtos: rto === null ? [] : rto.clients.filter((x) => x.measured).map((x) => [x.client, x.rtoMs, x.recovered]),
        // The last client's recovery: the latest end of any gap, the first fault when nobody stopped.
        recoveredAtMs: rto === null || !rto.recovered ? null : Math.max(start!, ...rto.clients.flatMap((x) => x.gaps.map((g) => g.endMs ?? -Infinity))),
      },
      `${where}, service ${res.name}`,
    );
    assert.equal(res.unexpected, res.unexpectedIds.length, where);
    const p = res.phases;
    assert.equal(p.before.ops + p.during.ops + p.after.ops, res.attempted, where);
    assert.equal(p.before.ok + p.during.ok + p.after.ok, res.acknowledged, where);
  }
}

/** Nearest-rank p50/p99/max, by sorting: the definition read literally. */
function sortedStats(values: number[]): ServiceResult['byIdc'][number]['steadyWriteLatency'] {
  if (values.length === 0) return { count: 0, p50Ms: null, p99Ms: null, maxMs: null };
  const v = [...values].sort((a, b) => a - b);
  const at = (p: number): number => v[Math.max(0, Math.ceil(p * v.length) - 1)]!;
  return { count: v.length, p50Ms: at(0.5), p99Ms: at(0.99), maxMs: v[v.length - 1]! };
}

function caseSeed(i: number): number {
  return (SEED + Math.imul(i, 0x2545f491)) >>> 0;
}

describe(`randomized ground truth (HADRILL_SEED=${SEED}, ${CASES} cases)`, () => {
  it('checkAll matches the by-construction answers and the literal RTO definition', () => {
    for (let i = 0; i < CASES; i++) {
      const c = generateCase(caseSeed(i));
      assertMatches(c, checkAll(c.input), 'direct');
    }
  });

  it('gives the same answers through jsonl files, truncated last lines and shuffled line order', () => {
    for (let i = 0; i < CASES; i += 3) {
      const c = generateCase(caseSeed(i));
      const r = new Rand(c.seed ^ 0xabcdef);
      const lines = r.shuffle(c.files.flatMap((text, k) => parseHistoryJsonl(text, `history/c${k}.jsonl`)));
      const merged = mergeHistory(lines);
      assert.equal(merged.orphanCompletions, 0);
      assert.equal(merged.duplicates, 0);
      assertMatches(c, checkAll({ ...c.input, history: merged.ops }), 'jsonl');
    }
  });

  it('finds the gaps each client was built with: failures, unknowns and acknowledged-then-lost writes, over several faults', () => {
    // Each surviving client goes without durable writes over chosen stretches
    // (its writes there fail, time out, or are acknowledged and later lost)
    // and writes durably otherwise, often enough that every window holds two
    // writes: its RTO is the longest stretch from its first bad write to its
    // first durable write after the stretch. A client of the failed IDC is
    // never measured.
    for (let i = 0; i < CASES; i++) {
      const seed = caseSeed(i);
      const r = new Rand(seed);
      const start = r.int(1000, 5000);
      const windowMs = r.pick([200, 1000, 3000]);
      const ops: OpRecord[] = [];
      const lost = new Set<string>();
      const expected = new Map<string, number>();
      for (let c = r.int(2, 5); c > 0; c--) {
        const client = `c${c}`;
        const failedIdc = c === 1;
        const idc = failedIdc ? 'idc-a' : r.pick(['idc-b', 'idc-c']);
        const stretches: [number, number][] = [];
        let at = start;
        for (let k = r.int(0, 3); k > 0; k--) {
          const from = at + r.int(0, 3000);
          const to = from + r.int(1, 6000);
          stretches.push([from, to]);
          at = to + 2 * windowMs + r.int(10, 500);
        }
        const mode = r.pick(['failed', 'unknown', 'lost'] as const);
        const inStretch = (t: number): boolean => stretches.some(([a, b]) => t >= a && t < b);
        let t = r.int(0, 100);
        let longest = 0;
        let gapStart: number | null = null;
        for (let n = 0; t < at + 6 * windowMs; n++) {
          const id = `${client}-${n}`;
          const bad = !failedIdc && inStretch(t);
          const step = r.int(1, Math.max(2, Math.floor(windowMs / 4)));
          const completeMs = t + r.int(1, Math.max(1, Math.floor(step / 2)));
          const outcome: Outcome = failedIdc ? r.pick(['ok', 'failed', 'unknown'] as const) : bad && mode !== 'lost' ? mode : 'ok';
          ops.push({ id, service: 'mysql', kind: 'write', client, idc, invokeMs: t, completeMs, outcome });
          if (bad && mode === 'lost') lost.add(id);
          if (bad && gapStart === null) gapStart = t;
          if (!bad && gapStart !== null) {
            longest = Math.max(longest, t - gapStart);
            gapStart = null;
          }
          t = completeMs + r.int(0, Math.max(1, step - (completeMs - t)));
        }
        if (!failedIdc) expected.set(client, longest);
      }
      // In any order: the checker must not rely on the history being sorted.
      const shuffled = r.shuffle(ops);
      const present = Uint8Array.from(shuffled, (o) => (lost.has(o.id) ? 0 : 1));
      const got = measureRtoByClient({ ops: shuffled, present, periodStartMs: start, down: [{ idc: 'idc-a', fromMs: start, toMs: null }], windowMs });
      const measured = got.byClient.filter((x) => x.measured);
      assert.deepEqual(
        measured.map((x) => [x.client, x.rtoMs]),
        [...expected.entries()].sort(([a], [b]) => (a < b ? -1 : 1)),
        `case seed ${seed} (suite seed ${SEED})`,
      );
      assert.equal(got.worst?.rtoMs, Math.max(...expected.values()), `case seed ${seed}: the service's RTO is the worst client's`);
    }
  });

  it('measures split brain as the literal overlap of runs on different nodes', () => {
    let split = 0;
    for (let i = 0; i < CASES / 3; i++) {
      const seed = caseSeed(i);
      const r = new Rand(seed);
      const nodes = ['n1', 'n2', 'n3'].slice(0, r.int(1, 3));
      const idcs = ['idc-a', 'idc-b'];
      const down = r.chance(0.5) ? [{ idc: r.pick(idcs), fromMs: r.int(1000, 6000), toMs: r.chance(0.7) ? r.int(6000, 9000) : null }] : [];
      const ops: OpRecord[] = [];
      for (let c = r.int(1, 5); c > 0; c--) {
        const idc = r.pick(idcs);
        let t = r.int(0, 500);
        let node = r.pick(nodes);
        for (let n = 0; t < 10_000; n++) {
          if (r.chance(0.03)) node = r.pick(nodes);
          const outcome: Outcome = r.chance(0.9) ? 'ok' : r.pick(['failed', 'unknown'] as const);
          const completeMs = t + r.int(0, 30);
          ops.push({ id: `c${c}-${n}`, service: 'redis', kind: 'write', client: `c${c}`, idc, invokeMs: t, completeMs, outcome, node });
          t = completeMs + r.int(1, 80);
        }
      }
      const got = measureSplitBrain({ ops: r.shuffle(ops), present: new Uint8Array(ops.length).fill(1), nodeName: (n) => n, down });
      assert.ok(Math.abs(got.ms - literalSplitBrainMs(ops, down)) < 1e-9, `case seed ${seed} (suite seed ${SEED}): ${got.ms} vs ${literalSplitBrainMs(ops, down)}`);
      if (nodes.length === 1) assert.equal(got.ms, 0);
      if (got.ms > 0) split++;
    }
    // The generator must make real overlaps, or the comparison proves little.
    assert.ok(split > CASES / 10, `cases with split brain: ${split}`);
  });
});
