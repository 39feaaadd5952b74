// Jepsen-style set checking of one service's write history against the final
// state, plus the RTO, RPO, split brain, per-IDC and per-phase figures derived
// from the same history. Everything here is a pure function of CheckInput.
import type { OpRecord, ServiceName } from '../history.js';
import type { CheckInput, IncompleteService, ServiceResult } from './check-types.js';
import type { LatencyStats } from './latency-types.js';
import { latencyStats } from './latency.js';
import { PhaseBuilder } from './phases.js';
import type { Rpo } from './loss-types.js';
import { summarizeBackups } from './backups.js';
import { authoritativeState } from './authoritative-state.js';
import { RegisterWinners, conflictsOnNodes, divergentRegisters } from './conflicts.js';
import { countDivergent } from './divergence.js';
import { measureRecovery } from './recovery.js';
import { explainLostWrites } from './lost-causes.js';
import { measureSplitBrain } from './split-brain.js';
import { checkStaleReads } from './stale-reads.js';
import { scratchInt32, scratchUint8 } from './scratch.js';
import { TimelineBuilder, timelineFrame, type TimelineFrame } from './timeline.js';

// The engine builds CheckInput.down with it before calling checkAll, and imports both from here.
export { downFromFaults } from './recovery.js';

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
  const incomplete = new Set(incompleteServices(input).map((s) => s.name));
  return [...byService.keys()]
    .filter((service) => !incomplete.has(service))
    .sort()
    .map((service) => checkOps(service, byService.get(service)!, input, frame));
}

/**
 * Services with writes but no authoritative final state (no node the
 * failover machinery names, and no single writable node): judging them
 * against nothing would call every acknowledged write lost, which is a
 * guess, so they are left out of the check and listed with the reason.
 */
export function incompleteServices(input: CheckInput): IncompleteService[] {
  const counts = new Map<ServiceName, { attempted: number; acknowledged: number }>();
  for (const op of input.history) {
    if (op.kind !== 'write') continue;
    const c = counts.get(op.service) ?? { attempted: 0, acknowledged: 0 };
    c.attempted++;
    if (op.outcome === 'ok') c.acknowledged++;
    counts.set(op.service, c);
  }
  const out: IncompleteService[] = [];
  for (const [name, c] of counts) {
    const state = input.finalState.services.find((s) => s.service === name);
    if (state !== undefined && state.authoritativeNode !== null) continue;
    out.push({
      name,
      reason: state === undefined ? 'the final read holds no state for this service' : (state.noAuthority ?? 'no node could be named authoritative for the final state'),
      ...c,
      readable: state === undefined ? [] : [...state.nodes, ...(state.outOfService ?? [])].map((n) => `${n.node} (${n.role})`),
      unreadable: state?.unreadable ?? [],
    });
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : 1));
}

/** One service's result, judged even without an authoritative final state (for tests and tools; checkAll leaves such services out). */
export function checkService(service: ServiceName, input: CheckInput): ServiceResult {
  return checkOps(service, input.history.filter((op) => op.service === service), input, timelineFrame(input.history));
}

function checkOps(service: ServiceName, ops: readonly OpRecord[], input: CheckInput, frame: TimelineFrame): ServiceResult {
  if (!(input.rtoWindowMs >= 0) || !Number.isFinite(input.rtoWindowMs)) {
    throw new RangeError(`rtoWindowMs must be a finite number >= 0, got ${input.rtoWindowMs}`);
  }
  const state = input.finalState.services.find((s) => s.service === service);
  const { authoritativeNode, converged, finalList, finalIds, registerNodes } = authoritativeState(state);
  const winnersByNode = registerNodes.map((n) => new RegisterWinners(n.registers));
  const keyed = winnersByNode.some((w) => !w.empty);
  const start = input.outageStartMs;

  let acknowledged = 0;
  let failed = 0;
  let unknown = 0;
  let unknownPresent = 0;
  let unknownAbsent = 0;
  const lostIds: string[] = [];
  const lostWrites: OpRecord[] = [];
  // A failed op was reported as definitely not applied; finding it in the
  // final state breaks that promise, and ServiceResult has no field of its
  // own for it, so it is reported with the writes nobody attempted.
  const unexpectedIds: string[] = [];
  // Final ids some op matched (by position of first occurrence): the rest were
  // never attempted, found without a second index of the attempted ids.
  const matched = scratchUint8('check.matched', finalList.length);
  let matchedCount = 0;
  const lostAcks = new AckSpan();
  // A drill has a handful of IDCs: scanning their names beats a map lookup.
  const idcNames: string[] = [];
  const idcs: ServiceResult['byIdc'] = [];
  const idcLostAcks: AckSpan[] = [];
  const idcSteady: number[][] = [];
  // Phases need the RTO, and the RTO needs to know which writes survived:
  // the writes are noted here in one pass and given their phase at the end.
  const phases = new PhaseBuilder(ops.length);
  const timeline = new TimelineBuilder(frame, ops.length);
  // Which writes survived, by position: RTO, split brain, stale reads and conflicts need it after this pass.
  const present = scratchUint8('check.present', ops.length);
  const readPositions: number[] = [];
  const failureCauses = new Map<string, number>();
  let writes = 0;

  for (let i = 0; i < ops.length; i++) {
    const op = ops[i]!;
    if (op.kind !== 'write') {
      readPositions.push(i);
      continue;
    }
    writes++;
    if (op.key !== undefined && keyed) for (const w of winnersByNode) w.note(op);
    let k = idcNames.indexOf(op.idc);
    if (k === -1) {
      k = idcNames.push(op.idc) - 1;
      idcs.push({ idc: op.idc, attempted: 0, acknowledged: 0, failed: 0, unknown: 0, lost: 0, lostWindowMs: null, steadyWriteLatency: NO_LATENCY });
      idcLostAcks.push(new AckSpan());
      idcSteady.push([]);
      timeline.addSeries(op.idc);
    }
    const latency = op.outcome === 'ok' && op.completeMs !== null ? op.completeMs - op.invokeMs : null;
    timeline.add(k, op.invokeMs, op.outcome, latency);
    phases.add(op.invokeMs, op.outcome, latency);
    if (latency !== null && (start === null || op.invokeMs < start)) idcSteady[k]!.push(latency);
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
          lostWrites.push(op);
          idc.lost++;
          const ackMs = op.completeMs ?? op.invokeMs;
          lostAcks.note(ackMs);
          idcLostAcks[k]!.note(ackMs);
        }
        break;
      case 'failed':
        failed++;
        idc.failed++;
        const cause = causeOf(op.error);
        failureCauses.set(cause, (failureCauses.get(cause) ?? 0) + 1);
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
  idcs.forEach((idc, k) => {
    idc.lostWindowMs = idcLostAcks[k]!.windowMs();
    idc.steadyWriteLatency = latencyStats(idcSteady[k]!);
  });

  const recovery = measureRecovery(service, ops, present, input);
  const { down, phaseOf } = recovery;

  const reads = checkStaleReads({
    ops,
    readPositions,
    present,
    outageStartMs: start,
    phaseOf,
    stats: latencyStats,
  });
  const conflictIds = conflictsOnNodes(ops, present, registerNodes, winnersByNode);
  const names = input.nodeNames ?? {};
  const singleWriter = input.singleWriter?.[service] ?? true;

  const kind = input.kinds?.[service] ?? (service === 'redis' ? 'redis' : 'mysql');
  const backups = input.backups?.[service];
  const promotions = (input.failoverEvents?.[service]?.promotions ?? []).map((p) => ({ ...p, node: names[p.node] ?? p.node }));
  const splitBrain = singleWriter ? measureSplitBrain({ ops, present, nodeName: (n) => names[n] ?? n, down }) : null;
  const lostCauses = explainLostWrites({ lost: lostWrites, nodeName: (n) => names[n] ?? n, state, promotions, splitBrain, backups, faults: input.faults, nodeIdcs: input.nodeIdcs ?? {} });
  return {
    name: service,
    kind,
    attempted: writes,
    acknowledged,
    failed,
    unknown,
    lost: lostIds.length,
    lostIds,
    lostCauses,
    unknownPresent,
    unknownAbsent,
    unexpected: unexpectedIds.length,
    unexpectedIds,
    divergent: countDivergent(state, converged ? null : authoritativeNode, finalIds) + divergentRegisters(state?.nodes ?? []),
    conflicts: conflictIds.length,
    conflictIds,
    failures: [...failureCauses].map(([cause, count]) => ({ cause, count })).sort((a, b) => b.count - a.count || (a.cause < b.cause ? -1 : 1)),
    reads: reads.result,
    rpo: lostAcks.rpo(lostIds.length, start),
    rtoMs: recovery.rtoMs,
    recovered: recovery.recovered,
    rto: recovery.detail,
    rtoSplit: recovery.split,
    promotions,
    splitBrain,
    backups: backups === undefined ? null : summarizeBackups(backups, ops, start, latencyStats),
    byIdc: idcs.sort((a, b) => (a.idc < b.idc ? -1 : a.idc > b.idc ? 1 : 0)),
    phases: phases.finish(phaseOf, reads.phases),
    authoritativeNode,
    timeline: timeline.finish(),
  };
}

/** A failed write's cause: the code its client reported (ER_LOCK_DEADLOCK, ECONNREFUSED, READONLY), else the start of its message. */
function causeOf(error: string | undefined): string {
  const message = error?.trim() ?? '';
  if (message === '') return 'no error recorded';
  const code = /^([A-Z][A-Z0-9_]{2,})\b/.exec(message)?.[1];
  return code ?? (message.length > 60 ? `${message.slice(0, 57)}...` : message);
}

/** The oldest and newest acknowledgement of the lost writes. */
class AckSpan {
  private first = Infinity;
  private last = -Infinity;

  note(ackMs: number): void {
    if (ackMs < this.first) this.first = ackMs;
    if (ackMs > this.last) this.last = ackMs;
  }

  windowMs(): number | null {
    return this.first === Infinity ? null : this.last - this.first;
  }

  rpo(lostWrites: number, outageStartMs: number | null): Rpo {
    const none = this.first === Infinity;
    return {
      lostWrites,
      windowMs: this.windowMs(),
      firstLostAckMs: none ? null : this.first,
      lastLostAckMs: none ? null : this.last,
      beforeOutageMs: none || outageStartMs === null ? null : Math.max(0, outageStartMs - this.first),
    };
  }
}

const NO_LATENCY: LatencyStats = { count: 0, p50Ms: null, p99Ms: null, maxMs: null };
