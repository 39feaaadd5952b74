// When a service's writes came back: the RTO from each client's gaps, split
// by the failover milestones, and the phases of the drill that it bounds.
import type { OpRecord, ServiceName } from '../history.js';
import { describeFault, isOutageFault, startsRtoClock } from '../faults.js';
import type { CheckInput } from './check-types.js';
import type { RtoDetail, RtoSplit } from './rto-types.js';
import { measureRtoByClient, type DownInterval } from './rto.js';
import { NO_SPLIT, splitGap, type ClockFault } from './rto-split.js';

export interface Recovery {
  /** The IDCs' down intervals, which split brain needs too. */
  down: DownInterval[];
  /** The worst client's RTO; null without an outage, when a client never recovered, or when no write came after the outage began (not measured, recovered). */
  rtoMs: number | null;
  recovered: boolean;
  /** Phase of an invoke instant: 0 before the outage, 1 during it, 2 after the last client recovered. */
  phaseOf: (invokeMs: number) => 0 | 1 | 2;
  detail: RtoDetail;
  split: RtoSplit;
}

const NOT_MEASURED = 'no write was sent or answered after the outage began: RTO not measured';

export function measureRecovery(service: ServiceName, ops: readonly OpRecord[], present: Uint8Array, input: CheckInput): Recovery {
  const start = input.outageStartMs;
  const down = downIntervals(input);
  const rto = start === null ? null : measureRtoByClient({ ops, present, periodStartMs: start, down, windowMs: input.rtoWindowMs });
  const worst = rto?.worst ?? null;
  // No write in the period at all: nothing stopped, nothing to measure, no failure.
  const unmeasured = rto !== null && rto.periodWrites === 0;
  // Writes in the period, but no client outside the failed IDCs was measured: nothing shows that writes came back.
  const recovered = start === null || unmeasured || (worst !== null && rto!.byClient.every((c) => c.recovered));
  const rtoMs = recovered && worst !== null ? worst.rtoMs : null;
  const recoveredAtMs = start === null || !recovered ? null : (rto?.lastRecoveryMs ?? null);
  const phaseOf = (t: number): 0 | 1 | 2 => (start === null || t < start ? 0 : recoveredAtMs === null || t < recoveredAtMs ? 1 : 2);
  const worstGap = worst === null ? null : (worst.gaps.find((g) => g.endMs === null) ?? longestGap(worst.gaps));
  return {
    down,
    rtoMs,
    recovered,
    phaseOf,
    detail: {
      resolutionMs: input.writeIntervalMs?.[service] ?? null,
      client: worst?.client ?? null,
      idc: worst?.idc ?? null,
      gap: worstGap,
      recoveredAtMs,
      byClient: rto?.byClient ?? [],
      byIdc: rto?.byIdc ?? [],
    },
    split: unmeasured ? { ...NO_SPLIT, note: NOT_MEASURED } : worstGap === null ? NO_SPLIT : splitGap(worstGap, clockFaults(input), input.failoverEvents?.[service]),
  };
}

/** Down intervals from the fault journal: each power, freeze or isolation from its request (its first kill or rule may act at once) to its heal. */
export function downFromFaults(faults: CheckInput['faults']): DownInterval[] {
  return faults.flatMap((f) => (isOutageFault(f.spec) ? [{ idc: f.spec.idc, fromMs: f.requestedMs, toMs: f.healedMs }] : []));
}

/** The IDCs' down intervals: given, or each outage IDC down from the outage start on. */
function downIntervals(input: CheckInput): DownInterval[] {
  if (input.down !== undefined) return input.down;
  const from = input.outageStartMs ?? 0;
  return input.outageIdcs.map((idc) => ({ idc, fromMs: from, toMs: null }));
}

function clockFaults(input: CheckInput): ClockFault[] {
  const faults = input.faults.filter((f) => startsRtoClock(f.spec)).map((f) => ({ id: f.id, atMs: f.requestedMs, healedMs: f.healedMs, label: describeFault(f.spec) }));
  // Hand-made inputs may give the outage start without the fault behind it.
  if (faults.length === 0 && input.outageStartMs !== null) faults.push({ id: 'outage', atMs: input.outageStartMs, healedMs: input.outageEndMs, label: 'the outage' });
  return faults;
}

function longestGap<G extends { lengthMs: number }>(gaps: readonly G[]): G | null {
  let best: G | null = null;
  for (const g of gaps) if (best === null || g.lengthMs > best.lengthMs) best = g;
  return best;
}
