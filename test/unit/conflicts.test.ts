// Conflicts over shared keys and register divergence: hand-made cases with
// known answers, then generated multi-IDC histories checked against the
// definitions in ServiceResult read literally (a slow oracle written here,
// independent of src/core/check/conflicts.ts). Replay a failure with
// HADRILL_SEED=<seed> (printed in the suite name); the failing case's own
// seed is in the assertion message.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CheckInput, ServiceResult } from '../../src/core/check/check-types.js';
import { checkAll, checkService } from '../../src/core/check/checker.js';
import { mergeHistory } from '../../src/core/check/merge-history.js';
import type { FinalState, HistoryLine, NodeState, OpRecord, Outcome, ServiceName } from '../../src/core/history.js';
import { Rand } from '../support/prng.js';

const SEED = process.env['HADRILL_SEED'] === undefined ? 0x5eed2024 : Number(process.env['HADRILL_SEED']) >>> 0;
const CASES = 3000;

// ---------------------------------------------------------------------------
// Hand-made cases

function write(id: string, key: string | undefined, idc: string, invokeMs: number, completeMs: number | null, outcome: Outcome = 'ok', more: Partial<OpRecord> = {}): OpRecord {
  const op: OpRecord = { id, service: 'mysql', kind: 'write', client: `client-${idc}`, idc, invokeMs, completeMs, outcome, ...more };
  if (key !== undefined) op.key = key;
  return op;
}

function node(name: string, ids: string[], registers?: Record<string, string>): NodeState {
  const n: NodeState = { node: name, idc: 'idc-a', role: name === 'm0' ? 'primary' : 'replica', ids };
  if (registers !== undefined) n.registers = registers;
  return n;
}

/** Ops in invoke order, as mergeHistory hands them to the checker. */
function handInput(ops: OpRecord[], nodes: NodeState[], authoritativeNode: string | null = 'm0'): CheckInput {
  return {
    history: [...ops].sort((a, b) => a.invokeMs - b.invokeMs),
    finalState: { readAtMs: 100_000, services: [{ service: 'mysql', authoritativeNode, nodes, unreadable: [] }] },
    faults: [],
    outageStartMs: null,
    outageEndMs: null,
    outageIdcs: [],
    rtoWindowMs: 100,
  };
}

/** The same input, read as a group whose every node takes writes. */
function asConverged(input: CheckInput): CheckInput {
  return { ...input, finalState: { ...input.finalState, services: input.finalState.services.map((st) => ({ ...st, authority: 'converged' as const })) } };
}

function mysql(input: CheckInput): ServiceResult {
  const res = checkAll(input).find((s) => s.name === 'mysql');
  assert.ok(res !== undefined, 'mysql result');
  return res;
}

function conflictsOf(input: CheckInput): { conflicts: number; conflictIds: string[] } {
  const res = mysql(input);
  return { conflicts: res.conflicts, conflictIds: res.conflictIds };
}

describe('conflicts: hand-made cases', () => {
  it('a write overwritten by an older write from another IDC, acknowledged before it was sent, is a conflict', () => {
    const ops = [write('f', 'k', 'idc-b', 100, 110), write('w', 'k', 'idc-a', 200, 210)];
    const res = mysql(handInput(ops, [node('m0', ['f', 'w'], { k: 'f' })]));
    assert.equal(res.conflicts, 1);
    assert.deepEqual(res.conflictIds, ['w']);
    // Still present, so not lost; and one node cannot diverge.
    assert.equal(res.lost, 0);
    assert.equal(res.divergent, 0);
  });

  it('in a converged group (every node takes writes) a stale overwrite on any node is a conflict, counted once', () => {
    // a1 (idc-a) is acknowledged before b1 (idc-b) is sent, then the two
    // primaries apply each other's backlog: db-b ends with the older a1 over
    // b1, db-a with b1. Only db-b's overwrite is stale.
    const ops = [write('a1', 'k', 'idc-a', 100, 110), write('b1', 'k', 'idc-b', 200, 210), write('a2', 'j', 'idc-a', 300, 310)];
    const input = handInput(ops, [node('db-a', ['a1', 'b1', 'a2'], { k: 'b1', j: 'a2' }), node('db-b', ['a1', 'b1', 'a2'], { k: 'a1', j: 'a2' })], 'db-a');
    const res = mysql(asConverged(input));
    assert.deepEqual(res.conflictIds, ['b1']);
    assert.equal(res.divergent, 1, 'key k differs between the two primaries');
    assert.equal(res.lost, 0);
    // With one writer only the authoritative node's keys count: db-a's b1 is the newest value, no conflict.
    assert.equal(mysql(input).conflicts, 0);
  });

  it('in a converged group a write is lost only when no node in service has it; one that some lack is divergent', () => {
    const ops = [write('a1', undefined, 'idc-a', 100, 110), write('b1', undefined, 'idc-b', 120, 130), write('b2', undefined, 'idc-b', 140, 150)];
    const input = handInput(ops, [node('db-a', ['a1', 'b1']), node('db-b', ['b1'])], 'db-a');
    const res = mysql(asConverged(input));
    assert.deepEqual(res.lostIds, ['b2']);
    assert.equal(res.divergent, 1, 'a1 is on db-a only');
    // Read as one writer, db-a's content alone is the final state: the same counts, since db-b holds nothing db-a lacks.
    assert.deepEqual(mysql(input).lostIds, ['b2']);
    const onlyOnB = handInput(ops, [node('db-a', ['a1']), node('db-b', ['a1', 'b1'])], 'db-a');
    assert.deepEqual(mysql(asConverged(onlyOnB)).lostIds, ['b2']);
    assert.deepEqual(mysql(onlyOnB).lostIds, ['b1', 'b2'], 'one writer: what its node lacks is lost');
  });

  it('failed writes are counted by the code their client got, most frequent first, else by the start of the message', () => {
    const failed = (id: string, error?: string): OpRecord => write(id, undefined, 'idc-a', 100, 110, 'failed', error === undefined ? {} : { error });
    const ops = [
      failed('f1', 'ER_LOCK_DEADLOCK Deadlock found when trying to get lock'),
      failed('f2', 'ER_UNKNOWN_COM_ERROR WSREP has not yet prepared node'),
      failed('f3', 'ER_UNKNOWN_COM_ERROR WSREP has not yet prepared node'),
      failed('f4', "Stream isn't writeable and enableOfflineQueue options is false"),
      failed('f5'),
      write('ok', undefined, 'idc-a', 100, 110),
    ];
    assert.deepEqual(mysql(handInput(ops, [node('m0', ['ok'])])).failures, [
      { cause: 'ER_UNKNOWN_COM_ERROR', count: 2 },
      { cause: 'ER_LOCK_DEADLOCK', count: 1 },
      // Ties in code-unit order; a message without a code is cut at 60 characters.
      { cause: "Stream isn't writeable and enableOfflineQueue options is ...", count: 1 },
      { cause: 'no error recorded', count: 1 },
    ]);
  });

  it('a later write from another IDC legitimately overwriting an earlier one is not a conflict', () => {
    const ops = [write('w', 'k', 'idc-a', 100, 110), write('f', 'k', 'idc-b', 200, 210)];
    assert.deepEqual(conflictsOf(handInput(ops, [node('m0', ['w', 'f'], { k: 'f' })])), { conflicts: 0, conflictIds: [] });
  });

  it('an older write from the same IDC winning is not a conflict', () => {
    const ops = [write('f', 'k', 'idc-a', 100, 110, 'ok', { client: 'other' }), write('w', 'k', 'idc-a', 200, 210)];
    assert.deepEqual(conflictsOf(handInput(ops, [node('m0', ['f', 'w'], { k: 'f' })])), { conflicts: 0, conflictIds: [] });
  });

  it('overlapping writes are not a conflict, down to an acknowledgement at the very instant the other was sent', () => {
    const overlap = [write('f', 'k', 'idc-b', 100, 250), write('w', 'k', 'idc-a', 200, 300)];
    assert.deepEqual(conflictsOf(handInput(overlap, [node('m0', ['f', 'w'], { k: 'f' })])), { conflicts: 0, conflictIds: [] });
    const touching = [write('f', 'k', 'idc-b', 100, 200), write('w', 'k', 'idc-a', 200, 300)];
    assert.deepEqual(conflictsOf(handInput(touching, [node('m0', ['f', 'w'], { k: 'f' })])), { conflicts: 0, conflictIds: [] });
    const justBefore = [write('f', 'k', 'idc-b', 100, 199.5), write('w', 'k', 'idc-a', 200, 300)];
    assert.deepEqual(conflictsOf(handInput(justBefore, [node('m0', ['f', 'w'], { k: 'f' })])), { conflicts: 1, conflictIds: ['w'] });
  });

  it('an overwritten write absent from the final state is lost, not a conflict', () => {
    const ops = [write('f', 'k', 'idc-b', 100, 110), write('w', 'k', 'idc-a', 200, 210)];
    const res = mysql(handInput(ops, [node('m0', ['f'], { k: 'f' })]));
    assert.equal(res.conflicts, 0);
    assert.deepEqual(res.conflictIds, []);
    assert.equal(res.lost, 1);
    assert.deepEqual(res.lostIds, ['w']);
  });

  it('counts only acknowledged overwritten writes, against a winner that was acknowledged, to the same key', () => {
    const ops = [
      write('f-ok', 'k1', 'idc-b', 100, 110),
      write('f-unknown', 'k2', 'idc-b', 100, 110, 'unknown'),
      write('f-hung', 'k3', 'idc-b', 100, null, 'unknown'),
      write('f-failed', 'k4', 'idc-b', 100, 110, 'failed'),
      write('f-other-key', 'k9', 'idc-b', 100, 110),
      write('f-no-key', undefined, 'idc-b', 100, 110),
      write('w1', 'k1', 'idc-a', 200, 210),
      write('w1-unknown', 'k1', 'idc-a', 220, 230, 'unknown'),
      write('w1-failed', 'k1', 'idc-a', 240, 250, 'failed'),
      write('w2', 'k2', 'idc-a', 200, 210),
      write('w3', 'k3', 'idc-a', 200, 210),
      write('w4', 'k4', 'idc-a', 200, 210),
      write('w5', 'k5', 'idc-a', 200, 210),
      write('w6', 'k6', 'idc-a', 200, 210),
    ];
    const registers = { k1: 'f-ok', k2: 'f-unknown', k3: 'f-hung', k4: 'f-failed', k5: 'f-other-key', k6: 'f-no-key' };
    const ids = ops.map((o) => o.id);
    assert.deepEqual(conflictsOf(handInput(ops, [node('m0', ids, registers)])), { conflicts: 1, conflictIds: ['w1'] });
  });

  it('lists every overwritten write of every key, in op order', () => {
    const ops = [
      write('fa', 'ka', 'idc-b', 100, 110),
      write('fb', 'kb', 'idc-c', 105, 106),
      write('wb1', 'kb', 'idc-a', 150, 160),
      write('wa1', 'ka', 'idc-a', 200, 210),
      write('wa2', 'ka', 'idc-c', 300, 310),
      write('wa3', 'ka', 'idc-b', 400, 410), // same IDC as the winner
      write('wb2', 'kb', 'idc-b', 500, 510),
      write('wb3', 'kb', 'idc-a', 600, 610), // absent
      write('wc', 'kc', 'idc-a', 700, 710), // the key's own winner
    ];
    const ids = ops.map((o) => o.id).filter((id) => id !== 'wb3');
    assert.deepEqual(conflictsOf(handInput(ops, [node('m0', ids, { ka: 'fa', kb: 'fb', kc: 'wc' })])), {
      conflicts: 4,
      conflictIds: ['wb1', 'wa1', 'wa2', 'wb2'],
    });
  });

  it('finds no conflict without an authoritative node, without registers, or with a register naming no write', () => {
    const ops = [write('f', 'k', 'idc-b', 100, 110), write('w', 'k', 'idc-a', 200, 210)];
    const noAuthority = checkService('mysql', handInput(ops, [node('m0', ['f', 'w'], { k: 'f' })], null));
    assert.deepEqual({ conflicts: noAuthority.conflicts, conflictIds: noAuthority.conflictIds }, { conflicts: 0, conflictIds: [] });
    assert.deepEqual(conflictsOf(handInput(ops, [node('m0', ['f', 'w'])])), { conflicts: 0, conflictIds: [] });
    assert.deepEqual(conflictsOf(handInput(ops, [node('m0', ['f', 'w'], { k: 'ghost' })])), { conflicts: 0, conflictIds: [] });
    // The registers of a node that is not the authoritative one do not count.
    assert.deepEqual(conflictsOf(handInput(ops, [node('m0', ['f', 'w'], {}), node('m1', ['f', 'w'], { k: 'f' })])), { conflicts: 0, conflictIds: [] });
  });

  it('a winner that is absent from the final state still makes the conflict', () => {
    const ops = [write('f', 'k', 'idc-b', 100, 110), write('w', 'k', 'idc-a', 200, 210)];
    const res = mysql(handInput(ops, [node('m0', ['w'], { k: 'f' })]));
    assert.deepEqual(res.conflictIds, ['w']);
    assert.deepEqual(res.lostIds, ['f']);
  });

  it('finds the winner of each key when a register value is repeated under another key', () => {
    // k2 names k1's write: not k2's winner (wrong key), while k1's winner is still f.
    const ops = [write('f', 'k1', 'idc-b', 100, 110), write('w', 'k1', 'idc-a', 200, 210), write('v', 'k2', 'idc-a', 200, 210)];
    for (const registers of [
      { k1: 'f', k2: 'f' },
      { k2: 'f', k1: 'f' },
    ]) {
      assert.deepEqual(conflictsOf(handInput(ops, [node('m0', ['f', 'w', 'v'], registers)])), { conflicts: 1, conflictIds: ['w'] }, JSON.stringify(registers));
    }
  });

  it('counts shared keys whose value differs, or that some nodes with registers lack, as divergent', () => {
    const ids = ['a', 'b', 'c', 'd'];
    // k1 differs on m1, k2 is missing on m2, k3 exists on m1 only; k0 agrees; m3 has no registers.
    const nodes = [
      node('m0', ids, { k0: 'a', k1: 'b', k2: 'c' }),
      node('m1', ids, { k0: 'a', k1: 'd', k2: 'c', k3: 'a' }),
      node('m2', ids, { k0: 'a', k1: 'b' }),
      node('m3', ids),
    ];
    assert.equal(mysql(handInput([], nodes)).divergent, 3);
    // Added to the ids that differ: 'd' missing on m3, 'e' only on m2.
    const withIds = [node('m0', ids, { k0: 'a' }), node('m1', ids, { k0: 'b' }), node('m2', [...ids, 'e'], { k0: 'a' }), node('m3', ['a', 'b', 'c'])];
    assert.equal(mysql(handInput([], withIds)).divergent, 3);
    // Registers {} count as a node with registers that lacks every key.
    assert.equal(mysql(handInput([], [node('m0', ids, { k0: 'a', k1: 'b' }), node('m1', ids, {})])).divergent, 2);
    // One node with registers has nothing to diverge from.
    assert.equal(mysql(handInput([], [node('m0', ids, { k0: 'a' }), node('m1', ids)])).divergent, 0);
    // Identical registers on every node: nothing.
    assert.equal(mysql(handInput([], [node('m0', ids, { k0: 'a', k1: 'b' }), node('m1', ids, { k1: 'b', k0: 'a' })])).divergent, 0);
  });

  it('ignores the registers of nodes out of service', () => {
    const ids = ['a'];
    const input = handInput([], [node('m0', ids, { k0: 'a' }), node('m1', ids, { k0: 'a' })]);
    input.finalState.services[0]!.outOfService = [node('m9', ['a', 'z'], { k0: 'z', k1: 'z' })];
    assert.equal(mysql(input).divergent, 0);
  });
});

// ---------------------------------------------------------------------------
// Randomized: generated multi-IDC histories against the definitions

interface ConflictCase {
  seed: number;
  input: CheckInput;
}

const END_MS = 2000;

/**
 * Multi-active replication of a few shared keys: several clients per IDC
 * write random keys (sequentially, with retries, the odd overlapping write,
 * agents that die and restart); each write reaches the authoritative node
 * after a lag that is larger across IDCs and sometimes huge (a partition),
 * and a key's final value is the write that arrived last. Writes are lost,
 * unknown ones applied or not, and some registers are corrupted (a value of
 * another key, of a read, of nobody, a missing key). Replicas copy the
 * authoritative registers with a few differences, or have none. The history
 * goes through mergeHistory, so ops arrive in the order of a real run.
 */
function generateConflictCase(seed: number): ConflictCase {
  const r = new Rand(seed);
  const fractional = r.chance(0.2);
  const jitter = (): number => (fractional ? r.next() : 0);
  const idcs = ['idc-a', 'idc-b', 'idc-c'].slice(0, r.int(2, 3));
  const services: ServiceName[] = r.chance(0.5) ? ['mysql', 'redis'] : [r.pick(['mysql', 'redis'] as const)];
  const keyCount = r.int(1, 5);
  const lossRate = r.pick([0, 0.05, 0.3]);
  const files: HistoryLine[][] = [];
  const readIds: string[] = [];

  for (const idc of idcs) {
    for (let c = r.int(1, 3); c > 0; c--) {
      const client = `${idc}-c${c}`;
      const events: { at: number; line: HistoryLine }[] = [];
      const service = r.pick(services);
      // Some clients write without keys, as a workload with no shared keys does.
      const keyed = r.chance(0.9);
      let incarnation = 0;
      let n = 0;
      let t = r.int(0, 50) + jitter();
      while (t < END_MS) {
        const id = `${service[0]}.${client}.${incarnation}.${n++}`;
        const u = r.next();
        const outcome: Outcome = u < 0.8 ? 'ok' : u < 0.9 ? 'failed' : 'unknown';
        const duration = r.chance(0.1) ? 0 : r.chance(0.05) ? r.int(100, 400) + jitter() : r.int(1, 80) + jitter();
        const dies = outcome === 'unknown' && r.chance(0.3);
        const line: Extract<HistoryLine, { t: 'invoke' }> = { t: 'invoke', id, service, kind: 'write', client, idc, at: t };
        if (keyed) line.key = `k${r.int(0, keyCount - 1)}`;
        events.push({ at: t, line });
        if (!dies) events.push({ at: t + duration, line: { t: 'complete', id, at: t + duration, outcome } });
        if (dies) {
          incarnation++;
          t += r.int(0, 100) + jitter();
        } else if (outcome !== 'ok') t += duration + r.int(0, 5);
        else if (r.chance(0.05)) t += r.int(0, Math.floor(duration));
        else t += duration + r.int(0, 40) + jitter();
      }
      // Reads interleaved: they have no key and must change nothing here.
      for (let q = 0, rt = r.int(0, 100); rt < END_MS && r.chance(0.5); q++, rt += r.int(20, 200)) {
        const id = `${service[0]}q.${client}.${q}`;
        readIds.push(id);
        events.push({ at: rt, line: { t: 'invoke', id, service, kind: 'read', client, idc, at: rt } });
        events.push({ at: rt + 5, line: { t: 'complete', id, at: rt + 5, outcome: 'ok', observed: null } });
      }
      events.sort((a, b) => a.at - b.at);
      files.push(events.map((e) => e.line));
    }
  }
  const merged = mergeHistory(files.flat());
  assert.equal(merged.orphanCompletions, 0);
  assert.equal(merged.duplicates, 0);
  const history = merged.ops;

  const finalServices: FinalState['services'] = [];
  for (const service of services) {
    if (r.chance(0.03)) continue;
    const ops = history.filter((o) => o.service === service && o.kind === 'write');
    const authIdc = r.pick(idcs);
    const baseLag = new Map(idcs.map((i) => [i, i === authIdc ? 0 : r.pick([0, 50, 300, 1500])]));
    const present: string[] = [];
    const arrivals = new Map<string, { id: string; at: number }>();
    for (const op of ops) {
      const applied = op.outcome === 'ok' ? true : op.outcome === 'unknown' ? r.chance(0.5) : r.chance(0.02);
      if (!applied) continue;
      const lost = op.outcome === 'ok' && r.chance(lossRate);
      if (!lost) present.push(op.id);
      if (op.key === undefined || (lost && r.chance(0.5))) continue;
      const at = (op.completeMs ?? op.invokeMs) + baseLag.get(op.idc)! + (r.chance(0.3) ? r.int(0, 200) : 0);
      const last = arrivals.get(op.key);
      if (last === undefined || at >= last.at) arrivals.set(op.key, { id: op.id, at });
    }
    const registers: Record<string, string> = {};
    for (const [key, { id }] of arrivals) registers[key] = id;
    // Corrupted registers: the oracle must agree with the checker on them too.
    for (const key of Object.keys(registers)) {
      if (!r.chance(0.06)) continue;
      const v = r.int(0, 4);
      const others = Object.keys(registers).filter((k) => k !== key);
      if (v === 0) delete registers[key];
      else if (v === 1 && others.length > 0) registers[key] = registers[r.pick(others)]!;
      else if (v === 2 && ops.length > 0) registers[key] = r.pick(ops).id;
      else if (v === 3 && readIds.length > 0) registers[key] = r.pick(readIds);
      else registers[key] = `${service}-ghost`;
    }
    if (r.chance(0.2)) present.push(`${service}-ghost`);

    const survives = !r.chance(0.05);
    const nodes: NodeState[] = [];
    if (survives) {
      const auth: NodeState = { node: `${service}-n0`, idc: authIdc, role: 'primary', ids: present };
      if (!r.chance(0.05)) auth.registers = registers;
      nodes.push(auth);
    }
    const presentSet = new Set(present);
    for (let k = r.int(0, 3); k > 0; k--) {
      const ids = present.filter(() => !r.chance(0.02));
      for (const op of ops) if (!presentSet.has(op.id) && r.chance(0.02)) ids.push(op.id);
      const replica: NodeState = { node: `${service}-n${k}`, idc: r.pick(idcs), role: 'replica', ids };
      if (!r.chance(0.2)) {
        const copy: Record<string, string> = { ...registers };
        for (const key of Object.keys(copy)) {
          if (!r.chance(0.1)) continue;
          if (r.chance(0.5)) delete copy[key];
          else copy[key] = ops.length > 0 ? r.pick(ops).id : 'x';
        }
        if (r.chance(0.05)) copy[`k${keyCount + 1}`] = 'extra';
        replica.registers = copy;
      }
      nodes.push(replica);
    }
    finalServices.push({
      service,
      authoritativeNode: survives ? `${service}-n0` : null,
      nodes,
      unreadable: survives ? [] : [{ node: `${service}-n0`, reason: 'container is gone' }],
    });
  }

  const input: CheckInput = {
    history,
    finalState: { readAtMs: END_MS + 5000, services: finalServices },
    faults: [],
    outageStartMs: r.chance(0.5) ? r.int(300, 1500) : null,
    outageEndMs: null,
    outageIdcs: [r.pick(idcs)],
    rtoWindowMs: r.pick([50, 100, 300]),
  };
  return { seed, input };
}

/** The conflict definition, read literally. */
function oracleConflicts(ops: readonly OpRecord[], state: FinalState['services'][number] | undefined): string[] {
  const auth = state === undefined || state.authoritativeNode === null ? undefined : state.nodes.find((n) => n.node === state.authoritativeNode);
  if (auth === undefined) return [];
  const finalIds = new Set(auth.ids);
  const registers = auth.registers;
  const writes = ops.filter((o) => o.kind === 'write');
  const out: string[] = [];
  for (const w of writes) {
    if (w.key === undefined || w.outcome !== 'ok' || !finalIds.has(w.id)) continue;
    if (registers === undefined || !Object.hasOwn(registers, w.key)) continue;
    const value = registers[w.key];
    const f = writes.find((o) => o !== w && o.id === value);
    if (f === undefined) continue;
    if (f.key === w.key && f.outcome === 'ok' && f.completeMs !== null && f.idc !== w.idc && f.completeMs < w.invokeMs) out.push(w.id);
  }
  return out;
}

/** Ids on some but not all in-service nodes, plus shared keys whose value differs (or is missing) among those with registers. */
function oracleDivergent(state: FinalState['services'][number] | undefined): number {
  if (state === undefined) return 0;
  const nodes = state.nodes;
  let count = 0;
  if (nodes.length >= 2) {
    const sets = nodes.map((n) => new Set(n.ids));
    const all = new Set(nodes.flatMap((n) => n.ids));
    for (const id of all) if (!sets.every((ids) => ids.has(id))) count++;
  }
  const withRegisters = nodes.filter((n) => n.registers !== undefined);
  if (withRegisters.length >= 2) {
    const keys = new Set(withRegisters.flatMap((n) => Object.keys(n.registers!)));
    for (const key of keys) {
      const values = withRegisters.map((n) => (Object.hasOwn(n.registers!, key) ? n.registers![key] : undefined));
      if (values.some((v) => v === undefined || v !== values[0])) count++;
    }
  }
  return count;
}

function caseSeed(i: number): number {
  return (SEED + Math.imul(i, 0x2545f491)) >>> 0;
}

describe(`conflicts: randomized against the definitions (HADRILL_SEED=${SEED}, ${CASES} cases)`, () => {
  it('checkAll gives the conflicts, their ids in op order, and the divergence of the definitions', () => {
    const seen = { conflicts: 0, casesWithConflicts: 0, crossIdcOverwrites: 0, registerDivergence: 0 };
    for (let i = 0; i < CASES; i++) {
      const c = generateConflictCase(caseSeed(i));
      const where = `case seed ${c.seed} (suite seed ${SEED})`;
      for (const res of checkAll(c.input)) {
        const ops = c.input.history.filter((o) => o.service === res.name);
        const state = c.input.finalState.services.find((s) => s.service === res.name);
        const want = oracleConflicts(ops, state);
        assert.deepEqual({ conflicts: res.conflicts, conflictIds: res.conflictIds }, { conflicts: want.length, conflictIds: want }, `${where}, service ${res.name}`);
        assert.equal(res.divergent, oracleDivergent(state), `${where}, service ${res.name}, divergent`);
        seen.conflicts += want.length;
        if (want.length > 0) seen.casesWithConflicts++;
        if (state !== undefined) {
          const regs = state.nodes.filter((n) => n.registers !== undefined);
          if (regs.length >= 2 && oracleDivergent({ ...state, nodes: regs.map((n) => ({ ...n, ids: [] })) }) > 0) seen.registerDivergence++;
          // Near misses: overwrites by a write of another IDC that was not yet acknowledged when this one was sent.
          const auth = state.nodes.find((n) => n.node === state.authoritativeNode);
          const byId = new Map(ops.map((o) => [o.id, o]));
          for (const w of ops) {
            const value = w.key === undefined || auth?.registers === undefined ? undefined : auth.registers[w.key];
            const f = value === undefined ? undefined : byId.get(value);
            if (f !== undefined && f !== w && f.idc !== w.idc && f.completeMs !== null && f.completeMs >= w.invokeMs) seen.crossIdcOverwrites++;
          }
        }
      }
    }
    // The generator must reach every branch, or the comparison above proves little.
    assert.ok(seen.casesWithConflicts > CASES / 10, `conflicts generated: ${JSON.stringify(seen)}`);
    assert.ok(seen.crossIdcOverwrites > CASES, `overlapping cross-IDC overwrites generated: ${JSON.stringify(seen)}`);
    assert.ok(seen.registerDivergence > CASES / 10, `register divergence generated: ${JSON.stringify(seen)}`);
  });
});
