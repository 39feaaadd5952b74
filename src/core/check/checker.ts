// Jepsen-style set checking of one service's write history against the final
// state, plus the RTO, RPO, per-IDC and per-phase figures derived from the same
// history. Everything here is a pure function of CheckInput.
import type { NodeState, OpRecord, ServiceFinalState, ServiceName } from '../history.js';
import type { CheckInput, LatencyStats, PhaseStats, ServiceResult } from './check-types.js';
import { RegisterWinners, divergentRegisters, findConflicts } from './conflicts.js';
import { IdIndex } from './id-index.js';
import { checkStaleReads, type PhaseReads } from './stale-reads.js';
import { scratchFloat64, scratchInt32, scratchUint8 } from './scratch.js';
import { TimelineBuilder, selectInPlace, timelineFrame, type TimelineFrame } from './timeline.js';

export function checkAll(input: CheckInput): ServiceResult[] {
  // Counted first, so each service's list is allocated once at its size:
  // growing a million-element array by pushing leaves several copies of it
  // for the garbage collector. There are a handful of services, so a short
  // array beats a map.
  const history = input.history;
  const names: ServiceName[] = [];
  const sizes: number[] = [];
  const slot = scratchInt32('check.serviceOf', history.length);
  for (let i = 0; i < history.length; i++) {
    const service = history[i]!.service;
    let k = names.indexOf(service);
    if (k === -1) {
      k = names.push(service) - 1;
      sizes.push(0);
    }
    sizes[k]!++;
    slot[i] = k;
  }
  const lists = sizes.map((n) => new Array<OpRecord>(n));
  const filled = sizes.map(() => 0);
  for (let i = 0; i < history.length; i++) {
    const k = slot[i]!;
    lists[k]![filled[k]!++] = history[i]!;
  }
  const byService = new Map<ServiceName, OpRecord[]>(names.map((name, k) => [name, lists[k]!]));
  for (const s of input.finalState.services) if (!byService.has(s.service)) byService.set(s.service, []);
  const frame = timelineFrame(history);
  return [...byService.keys()].sort().map((service) => checkOps(service, byService.get(service)!, input, frame));
}

export function checkService(service: ServiceName, input: CheckInput): ServiceResult {
  return checkOps(service, input.history.filter((op) => op.service === service), input, timelineFrame(input.history));
}

function checkOps(service: ServiceName, ops: readonly OpRecord[], input: CheckInput, frame: TimelineFrame): ServiceResult {
  if (!(input.rtoWindowMs >= 0) || !Number.isFinite(input.rtoWindowMs)) {
    throw new RangeError(`rtoWindowMs must be a finite number >= 0, got ${input.rtoWindowMs}`);
  }
  const state = input.finalState.services.find((s) => s.service === service);
  const authoritativeNode = state?.authoritativeNode ?? null;
  // No authoritative node means nothing survived: every acknowledged write is gone.
  const finalList = authoritativeNode === null ? [] : (state?.nodes.find((n) => n.node === authoritativeNode)?.ids ?? []);
  const finalIds = indexIds(finalList, 'check.final');
  const registers = authoritativeNode === null ? undefined : state?.nodes.find((n) => n.node === authoritativeNode)?.registers;
  const winners = new RegisterWinners(registers);
  const start = input.outageStartMs;

  let acknowledged = 0;
  let failed = 0;
  let unknown = 0;
  let unknownPresent = 0;
  let unknownAbsent = 0;
  const lostIds: string[] = [];
  // A failed op was reported as definitely not applied; finding it in the
  // final state breaks that promise, and ServiceResult has no field of its
  // own for it, so it is reported with the writes nobody attempted.
  const unexpectedIds: string[] = [];
  // Final ids some op matched (by position of first occurrence): the rest were
  // never attempted, found without a second index of the attempted ids.
  const matched = scratchUint8('check.matched', finalList.length);
  let matchedCount = 0;
  let oldestLostAckMs = Infinity;
  // A drill has a handful of IDCs: scanning their names beats a map lookup.
  const idcNames: string[] = [];
  const idcs: ServiceResult['byIdc'] = [];
  // The phases need the RTO; everything else is gathered in one pass.
  const rtoMs = start === null ? null : measureRto(ops, start, input.outageIdcs, input.rtoWindowMs);
  const phases = new PhaseBuilder(start, rtoMs, ops.length);
  const timeline = new TimelineBuilder(frame, ops.length);
  // Which writes survived, by position: the stale-read and conflict checks need it after this pass.
  const present = scratchUint8('check.present', ops.length);
  const readPositions: number[] = [];
  let writes = 0;

  for (let i = 0; i < ops.length; i++) {
    const op = ops[i]!;
    if (op.kind !== 'write') {
      readPositions.push(i);
      continue;
    }
    writes++;
    if (op.key !== undefined && !winners.empty) winners.note(op);
    let k = idcNames.indexOf(op.idc);
    if (k === -1) {
      k = idcNames.push(op.idc) - 1;
      idcs.push({ idc: op.idc, attempted: 0, acknowledged: 0, failed: 0, unknown: 0, lost: 0 });
      timeline.addSeries(op.idc);
    }
    const latency = op.outcome === 'ok' && op.completeMs !== null ? op.completeMs - op.invokeMs : null;
    timeline.add(k, op.invokeMs, op.outcome, latency);
    phases.add(op.invokeMs, op.outcome, latency);
    const idc = idcs[k]!;
    idc.attempted++;
    const at = finalIds.index.find(op.id);
    const isPresent = at !== -1;
    if (isPresent) {
      present[i] = 1;
      if (matched[at] === 0) {
        matched[at] = 1;
        matchedCount++;
      }
    }
    switch (op.outcome) {
      case 'ok':
        acknowledged++;
        idc.acknowledged++;
        if (!isPresent) {
          lostIds.push(op.id);
          idc.lost++;
          const ackMs = op.completeMs ?? op.invokeMs;
          if (ackMs < oldestLostAckMs) oldestLostAckMs = ackMs;
        }
        break;
      case 'failed':
        failed++;
        idc.failed++;
        if (isPresent) unexpectedIds.push(op.id);
        break;
      case 'unknown':
        unknown++;
        idc.unknown++;
        if (isPresent) unknownPresent++;
        else unknownAbsent++;
        break;
    }
  }
  if (matchedCount !== finalIds.index.size) {
    for (let i = 0; i < finalList.length; i++) if (finalIds.first[i] === 1 && matched[i] === 0) unexpectedIds.push(finalList[i]!);
  }

  const recoveredAt = start === null || rtoMs === null ? Infinity : start + rtoMs;
  const reads = checkStaleReads({
    ops,
    readPositions,
    present,
    outageStartMs: start,
    phaseOf: (t) => (start === null || t < start ? 0 : t < recoveredAt ? 1 : 2),
    stats: (values) => selectLatencyStats(Float64Array.from(values)),
  });
  const conflictIds = findConflicts({ ops, present, registers, winners: winners.winners });

  const failover = input.failoverEvents?.[service];
  const detectedMs = failover?.detectedMs;
  const promotedMs = failover?.promotedMs;

  return {
    name: service,
    attempted: writes,
    acknowledged,
    failed,
    unknown,
    lost: lostIds.length,
    lostIds,
    unknownPresent,
    unknownAbsent,
    unexpected: unexpectedIds.length,
    unexpectedIds,
    divergent: countDivergent(state, authoritativeNode, finalIds) + divergentRegisters(state?.nodes ?? []),
    conflicts: conflictIds.length,
    conflictIds,
    reads: reads.result,
    rpo: {
      lostWrites: lostIds.length,
      spanMs: start === null || lostIds.length === 0 ? null : Math.max(0, start - oldestLostAckMs),
    },
    rtoMs,
    recovered: start === null || rtoMs !== null,
    rtoSplit: {
      detectMs: start !== null && detectedMs !== undefined ? detectedMs - start : null,
      promoteMs: detectedMs !== undefined && promotedMs !== undefined ? promotedMs - detectedMs : null,
      // Negative when clients were writing again before the promotion was reported.
      rerouteMs: start !== null && rtoMs !== null && promotedMs !== undefined ? start + rtoMs - promotedMs : null,
    },
    byIdc: idcs.sort((a, b) => (a.idc < b.idc ? -1 : a.idc > b.idc ? 1 : 0)),
    phases: phases.finish(reads.phases),
    authoritativeNode,
    timeline: timeline.finish(),
  };
}

/**
 * Ids present on some but not all of the nodes that could be read: the size
 * of their union minus the size of their intersection. Every node is matched
 * against one base node's index, with per-id counters in typed arrays. A
 * replica reads its ids in the same (primary key) order as the primary, so
 * each id is first compared with the one after the last match, and only a
 * mismatch costs a hash lookup (which then resynchronises the walk).
 */
function countDivergent(state: ServiceFinalState | undefined, authoritativeNode: string | null, finalIds: IndexedIds): number {
  if (state === undefined || state.nodes.length < 2) return 0;
  // Caught-up MySQL replicas return the same ids in the same order as the
  // primary: equal lists are equal sets, found without hashing.
  const authFirst = [...state.nodes].sort((a, b) => Number(b.node === authoritativeNode) - Number(a.node === authoritativeNode));
  const distinct: NodeState[] = [];
  for (const n of authFirst) if (!distinct.some((d) => sameList(d.ids, n.ids))) distinct.push(n);
  if (distinct.length < 2) return 0;

  const [base, ...others] = distinct as [NodeState, ...NodeState[]];
  const { index, first } = base.node === authoritativeNode ? finalIds : indexIds(base.ids, 'check.base');
  const baseIds = base.ids;
  const n = baseIds.length;
  // Counters are kept at each id's first position in the base; with no
  // repeats that is simply where the walk stands.
  const walkable = index.size === n;
  const lastSeenBy = scratchInt32('check.lastSeenBy', n, -1);
  const seenCount = scratchInt32('check.seenCount', n);
  const outside = new Set<string>();
  for (let k = 0; k < others.length; k++) {
    const ids = others[k]!.ids;
    let next = 0;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      let at: number;
      if (walkable && next < n && baseIds[next] === id) at = next++;
      else {
        at = index.find(id);
        if (at === -1) {
          outside.add(id);
          continue;
        }
        next = at + 1;
      }
      if (lastSeenBy[at] !== k) {
        lastSeenBy[at] = k;
        seenCount[at]!++;
      }
    }
  }
  let onAll = 0;
  for (let i = 0; i < n; i++) if (first[i] === 1 && seenCount[i] === others.length) onAll++;
  return index.size + outside.size - onAll;
}

interface IndexedIds {
  index: IdIndex;
  /** 1 at the first position of each distinct id: SCAN may repeat an id. */
  first: Uint8Array;
}

function indexIds(ids: readonly string[], scratchKey: string): IndexedIds {
  const index = new IdIndex((i) => ids[i]!, ids.length, scratchKey);
  const first = scratchUint8(`${scratchKey}.first`, ids.length);
  for (let i = 0; i < ids.length; i++) if (index.add(ids[i]!, i) === -1) first[i] = 1;
  return { index, first };
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Milliseconds from the outage start to the first window of sustained
 * successful writes seen by clients outside the failed IDCs, or null when no
 * such window exists. A candidate window starts at an ok op's invoke and spans
 * windowMs; it holds when every surviving op invoked inside it (both ends
 * included) is ok, it holds at least two ops, and the history reaches its end
 * (otherwise a drill that stopped right after one lucky write would count as
 * recovered). Ops invoked before the window, even ones still hanging inside
 * it, do not break it: the clients measured are the ones that retried.
 */
export function measureRto(
  ops: readonly OpRecord[],
  outageStartMs: number,
  outageIdcs: readonly string[],
  windowMs: number,
): number | null {
  const failedIdcs = new Set(outageIdcs);
  const s: OpRecord[] = new Array<OpRecord>(ops.length);
  let n = 0;
  let sorted = true;
  for (const op of ops) {
    if (op.kind !== 'write' || op.invokeMs < outageStartMs || failedIdcs.has(op.idc)) continue;
    if (n > 0 && op.invokeMs < s[n - 1]!.invokeMs) sorted = false;
    s[n++] = op;
  }
  s.length = n;
  if (!sorted) s.sort((a, b) => a.invokeMs - b.invokeMs);
  if (n === 0) return null;

  // nextBad[i]: the first index >= i whose op is not ok (n if none), so a
  // window [lo, hi] is all ok exactly when nextBad[lo] > hi: O(1) per candidate.
  const nextBad = scratchInt32('rto.nextBad', n + 1);
  nextBad[n] = n;
  for (let i = n - 1; i >= 0; i--) nextBad[i] = s[i]!.outcome === 'ok' ? nextBad[i + 1]! : i;

  // Ops tied at the last invoke instant are all "the last op": if any of them
  // is ok and completed at or after a window's end, a client saw that far.
  const lastInvokeMs = s[n - 1]!.invokeMs;
  let lastOkCompleteMs = -Infinity;
  for (let i = n - 1; i >= 0 && s[i]!.invokeMs === lastInvokeMs; i--) {
    const c = s[i]!.completeMs;
    if (s[i]!.outcome === 'ok' && c !== null && c > lastOkCompleteMs) lastOkCompleteMs = c;
  }
  let lo = 0;
  let hi = 0;
  for (let i = 0; i < n; i++) {
    const op = s[i]!;
    if (op.outcome !== 'ok') continue;
    // Ops sharing this invoke instant but sorted earlier are inside the window too.
    while (s[lo]!.invokeMs < op.invokeMs) lo++;
    const end = op.invokeMs + windowMs;
    if (hi < i) hi = i;
    while (hi + 1 < n && s[hi + 1]!.invokeMs <= end) hi++;
    const covered = lastInvokeMs >= end || lastOkCompleteMs >= end;
    // Later windows end later still, so none of them can be covered either.
    if (!covered) return null;
    if (nextBad[lo]! <= hi || hi - lo + 1 < 2) continue;
    return op.invokeMs - outageStartMs;
  }
  return null;
}

/**
 * Writes counted by phase (before the outage, during it, after recovery) as
 * they come; the first op of the recovery window belongs to "after": from its
 * invoke on, writes were sustained. Latencies are noted with their phase and
 * grouped at the end, so the three phases share one buffer; the read side
 * of each phase comes from the stale-read check.
 */
class PhaseBuilder {
  private readonly recoveredAt: number;
  /** counts[4p + 0..3]: ops, ok, failed, unknown of phase p */
  private readonly counts = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
  private readonly timed = [0, 0, 0];
  private readonly tags: Uint8Array;
  private readonly latencies: Float64Array;
  private noted = 0;

  constructor(
    private readonly start: number | null,
    rtoMs: number | null,
    capacity: number,
  ) {
    this.recoveredAt = start === null || rtoMs === null ? Infinity : start + rtoMs;
    this.tags = scratchUint8('phases.tags', capacity);
    this.latencies = scratchFloat64('phases.latencies', capacity);
  }

  add(invokeMs: number, outcome: OpRecord['outcome'], latency: number | null): void {
    const p = this.start === null || invokeMs < this.start ? 0 : invokeMs < this.recoveredAt ? 1 : 2;
    this.counts[4 * p]!++;
    if (outcome === 'ok') {
      this.counts[4 * p + 1]!++;
      if (latency !== null) {
        this.timed[p]!++;
        this.tags[this.noted] = p;
        this.latencies[this.noted++] = latency;
      }
    } else if (outcome === 'failed') this.counts[4 * p + 2]!++;
    else this.counts[4 * p + 3]!++;
  }

  finish(reads: readonly [PhaseReads, PhaseReads, PhaseReads]): ServiceResult['phases'] {
    const timed = this.timed;
    const offset = [0, timed[0]!, timed[0]! + timed[1]!];
    const fill = [...offset];
    const grouped = scratchFloat64('phases.grouped', this.noted);
    for (let i = 0; i < this.noted; i++) grouped[fill[this.tags[i]!]!++] = this.latencies[i]!;
    const stats = (p: number): PhaseStats => {
      const c = this.counts;
      const n = c[4 * p]!;
      return {
        ops: n,
        ok: c[4 * p + 1]!,
        failed: c[4 * p + 2]!,
        unknown: c[4 * p + 3]!,
        errorRate: n === 0 ? 0 : (c[4 * p + 2]! + c[4 * p + 3]!) / n,
        writeLatency: selectLatencyStats(grouped.subarray(offset[p]!, offset[p]! + timed[p]!)),
        reads: reads[p]!.reads,
        readErrors: reads[p]!.readErrors,
        readLatency: selectLatencyStats(Float64Array.from(reads[p]!.latencies)),
      };
    };
    return { before: stats(0), during: stats(1), after: stats(2) };
  }
}

/** Nearest-rank percentiles: always a latency that was actually observed. */
export function latencyStats(values: ArrayLike<number>): LatencyStats {
  return selectLatencyStats(Float64Array.from(values));
}

/** latencyStats by selection, reordering its argument: linear, where sorting is not. */
function selectLatencyStats(a: Float64Array): LatencyStats {
  const n = a.length;
  if (n === 0) return { count: 0, p50Ms: null, p99Ms: null, maxMs: null };
  let max = a[0]!;
  for (let i = 1; i < n; i++) if (a[i]! > max) max = a[i]!;
  const rank = (p: number): number => Math.max(0, Math.ceil(p * n) - 1);
  const r50 = rank(0.5);
  const p50 = selectInPlace(a, 0, n, r50);
  // Selection leaves everything from r50 on at least p50, and r99 >= r50.
  const p99 = selectInPlace(a, r50, n, rank(0.99) - r50);
  return { count: n, p50Ms: p50, p99Ms: p99, maxMs: max };
}
