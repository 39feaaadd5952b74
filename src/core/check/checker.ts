// Jepsen-style set checking of one service's write history against the final
// state, plus the RTO, RPO, per-IDC and per-phase figures derived from the same
// history. Everything here is a pure function of CheckInput.
import type { NodeState, OpRecord, ServiceFinalState, ServiceName } from '../history.js';
import type { CheckInput, LatencyStats, PhaseStats, ServiceResult } from './check-types.js';

export function checkAll(input: CheckInput): ServiceResult[] {
  const byService = new Map<ServiceName, OpRecord[]>();
  for (const op of input.history) {
    let list = byService.get(op.service);
    if (list === undefined) byService.set(op.service, (list = []));
    list.push(op);
  }
  for (const s of input.finalState.services) if (!byService.has(s.service)) byService.set(s.service, []);
  return [...byService.keys()].sort().map((service) => checkOps(service, byService.get(service)!, input));
}

export function checkService(service: ServiceName, input: CheckInput): ServiceResult {
  return checkOps(service, input.history.filter((op) => op.service === service), input);
}

function checkOps(service: ServiceName, ops: readonly OpRecord[], input: CheckInput): ServiceResult {
  if (!(input.rtoWindowMs >= 0) || !Number.isFinite(input.rtoWindowMs)) {
    throw new RangeError(`rtoWindowMs must be a finite number >= 0, got ${input.rtoWindowMs}`);
  }
  const state = input.finalState.services.find((s) => s.service === service);
  const authoritativeNode = state?.authoritativeNode ?? null;
  // No authoritative node means nothing survived: every acknowledged write is gone.
  const finalIds = indexIds(
    authoritativeNode === null ? [] : (state?.nodes.find((n) => n.node === authoritativeNode)?.ids ?? []),
  );
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
  let presentAttempted = 0;
  let oldestLostAckMs = Infinity;
  const idcs = new Map<string, ServiceResult['byIdc'][number]>();

  for (const op of ops) {
    let idc = idcs.get(op.idc);
    if (idc === undefined) {
      idc = { idc: op.idc, attempted: 0, acknowledged: 0, failed: 0, unknown: 0, lost: 0 };
      idcs.set(op.idc, idc);
    }
    idc.attempted++;
    const present = finalIds.has(op.id);
    if (present) presentAttempted++;
    switch (op.outcome) {
      case 'ok':
        acknowledged++;
        idc.acknowledged++;
        if (!present) {
          lostIds.push(op.id);
          idc.lost++;
          const ackMs = op.completeMs ?? op.invokeMs;
          if (ackMs < oldestLostAckMs) oldestLostAckMs = ackMs;
        }
        break;
      case 'failed':
        failed++;
        idc.failed++;
        if (present) unexpectedIds.push(op.id);
        break;
      case 'unknown':
        unknown++;
        idc.unknown++;
        if (present) unknownPresent++;
        else unknownAbsent++;
        break;
    }
  }
  // Op ids are unique (mergeHistory keeps one op per id), so when every final
  // id was matched by an op there is nothing else to look for, and the set of
  // attempted ids, a million hash insertions on a big drill, is not needed.
  if (presentAttempted !== finalIds.size) {
    const attempted = new Set(ops.map((op) => op.id));
    for (const id of finalIds.keys()) if (!attempted.has(id)) unexpectedIds.push(id);
  }

  const rtoMs = start === null ? null : measureRto(ops, start, input.outageIdcs, input.rtoWindowMs);
  const failover = input.failoverEvents?.[service];
  const detectedMs = failover?.detectedMs;
  const promotedMs = failover?.promotedMs;

  return {
    name: service,
    attempted: ops.length,
    acknowledged,
    failed,
    unknown,
    lost: lostIds.length,
    lostIds,
    unknownPresent,
    unknownAbsent,
    unexpected: unexpectedIds.length,
    unexpectedIds,
    divergent: countDivergent(state, authoritativeNode, finalIds),
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
    byIdc: [...idcs.values()].sort((a, b) => (a.idc < b.idc ? -1 : a.idc > b.idc ? 1 : 0)),
    phases: phaseStats(ops, start, rtoMs),
    authoritativeNode,
  };
}

/**
 * Ids present on some but not all of the nodes that could be read: the size
 * of their union minus the size of their intersection. Every node is matched
 * against one base node's index, with per-id counters in typed arrays, so each
 * id of the other nodes costs one hash lookup.
 */
function countDivergent(
  state: ServiceFinalState | undefined,
  authoritativeNode: string | null,
  finalIds: Map<string, number>,
): number {
  if (state === undefined || state.nodes.length < 2) return 0;
  // Caught-up MySQL replicas return the same ids in the same (primary key)
  // order as the primary: equal lists are equal sets, found without hashing.
  const authFirst = [...state.nodes].sort((a, b) => Number(b.node === authoritativeNode) - Number(a.node === authoritativeNode));
  const distinct: NodeState[] = [];
  for (const n of authFirst) if (!distinct.some((d) => sameList(d.ids, n.ids))) distinct.push(n);
  if (distinct.length < 2) return 0;

  const [base, ...others] = distinct as [NodeState, ...NodeState[]];
  const baseIndex = base.node === authoritativeNode ? finalIds : indexIds(base.ids);
  const lastSeenBy = new Int32Array(base.ids.length).fill(-1);
  const seenCount = new Int32Array(base.ids.length);
  const outside = new Set<string>();
  others.forEach((node, k) => {
    for (const id of node.ids) {
      const slot = baseIndex.get(id);
      if (slot === undefined) outside.add(id);
      else if (lastSeenBy[slot] !== k) {
        lastSeenBy[slot] = k;
        seenCount[slot]!++;
      }
    }
  });
  let onAll = 0;
  for (const slot of baseIndex.values()) if (seenCount[slot] === others.length) onAll++;
  return baseIndex.size + outside.size - onAll;
}

/**
 * Distinct ids, each mapped to a slot below ids.length (a repeated id keeps
 * its last position): one hash insertion per id, however often SCAN repeats it.
 */
function indexIds(ids: readonly string[]): Map<string, number> {
  const index = new Map<string, number>();
  for (let i = 0; i < ids.length; i++) index.set(ids[i]!, i);
  return index;
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
  const s = ops.filter((op) => op.invokeMs >= outageStartMs && !failedIdcs.has(op.idc));
  s.sort((a, b) => a.invokeMs - b.invokeMs);
  const n = s.length;
  if (n === 0) return null;

  // nextBad[i]: the first index >= i whose op is not ok (n if none), so a
  // window [lo, hi] is all ok exactly when nextBad[lo] > hi: O(1) per candidate.
  const nextBad = new Int32Array(n + 1);
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

// The first op of the recovery window belongs to "after": from its invoke on,
// writes were sustained.
function phaseStats(ops: readonly OpRecord[], start: number | null, rtoMs: number | null): ServiceResult['phases'] {
  const recoveredAt = start === null ? Infinity : rtoMs === null ? Infinity : start + rtoMs;
  const acc = [new PhaseAcc(ops.length), new PhaseAcc(ops.length), new PhaseAcc(ops.length)] as const;
  for (const op of ops) {
    const phase = start === null || op.invokeMs < start ? acc[0] : op.invokeMs < recoveredAt ? acc[1] : acc[2];
    phase.add(op);
  }
  return { before: acc[0].stats(), during: acc[1].stats(), after: acc[2].stats() };
}

class PhaseAcc {
  ops = 0;
  ok = 0;
  failed = 0;
  unknown = 0;
  private readonly latencies: Float64Array;
  private latencyCount = 0;
  constructor(capacity: number) {
    this.latencies = new Float64Array(capacity);
  }
  add(op: OpRecord): void {
    this.ops++;
    if (op.outcome === 'ok') {
      this.ok++;
      if (op.completeMs !== null) this.latencies[this.latencyCount++] = op.completeMs - op.invokeMs;
    } else if (op.outcome === 'failed') this.failed++;
    else this.unknown++;
  }
  stats(): PhaseStats {
    return {
      ops: this.ops,
      ok: this.ok,
      failed: this.failed,
      unknown: this.unknown,
      errorRate: this.ops === 0 ? 0 : (this.failed + this.unknown) / this.ops,
      writeLatency: latencyStats(this.latencies.subarray(0, this.latencyCount)),
    };
  }
}

/** Nearest-rank percentiles: always a latency that was actually observed. */
export function latencyStats(values: ArrayLike<number>): LatencyStats {
  const n = values.length;
  if (n === 0) return { count: 0, p50Ms: null, p99Ms: null, maxMs: null };
  const sorted = Float64Array.from(values).sort();
  const rank = (p: number): number => sorted[Math.max(0, Math.ceil(p * n) - 1)]!;
  return { count: n, p50Ms: rank(0.5), p99Ms: rank(0.99), maxMs: sorted[n - 1]! };
}
