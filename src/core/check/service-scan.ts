// The one pass over a service's ops that its counts come from: each write is
// judged against the final state and noted by IDC, phase and timeline bucket
// as it goes, and each read's position is kept for the stale-read check.
import type { OpRecord } from '../history.js';
import type { AuthoritativeState } from './authoritative-state.js';
import { RegisterWinners } from './conflicts.js';
import { IdcBreakdown } from './idc-breakdown.js';
import { PhaseBuilder } from './phases.js';
import { scratchUint8 } from './scratch.js';
import { TimelineBuilder, type TimelineFrame } from './timeline.js';
import { WriteVerdicts } from './write-verdicts.js';

export interface ServiceScan {
  verdicts: WriteVerdicts;
  byIdc: IdcBreakdown;
  phases: PhaseBuilder;
  timeline: TimelineBuilder;
  /** Which writes survived, by position in ops: RTO, split brain, stale reads and conflicts need it after the pass. */
  present: Uint8Array;
  readPositions: number[];
  /** Per register node (in the order of registerNodes), the write that set each shared key's final value. */
  winnersByNode: RegisterWinners[];
}

export function scanServiceOps(ops: readonly OpRecord[], judgedAgainst: AuthoritativeState, frame: TimelineFrame, outageStartMs: number | null): ServiceScan {
  const winnersByNode = judgedAgainst.registerNodes.map((n) => new RegisterWinners(n.registers));
  const keyed = winnersByNode.some((w) => !w.empty);
  const verdicts = new WriteVerdicts(judgedAgainst.finalList, judgedAgainst.finalIds);
  const byIdc = new IdcBreakdown(outageStartMs);
  // Phases need the RTO, and the RTO needs to know which writes survived:
  // the writes are noted here in one pass and given their phase at the end.
  const phases = new PhaseBuilder(ops.length);
  const timeline = new TimelineBuilder(frame, ops.length);
  const present = scratchUint8('check.present', ops.length);
  const readPositions: number[] = [];

  for (let i = 0; i < ops.length; i++) {
    const op = ops[i]!;
    if (op.kind !== 'write') {
      readPositions.push(i);
      continue;
    }
    if (op.key !== undefined && keyed) for (const w of winnersByNode) w.note(op);
    let slot = byIdc.slotOf(op.idc);
    if (slot === -1) {
      slot = byIdc.open(op.idc);
      timeline.addSeries(op.idc);
    }
    const latency = op.outcome === 'ok' && op.completeMs !== null ? op.completeMs - op.invokeMs : null;
    timeline.add(slot, op.invokeMs, op.outcome, latency);
    phases.add(op.invokeMs, op.outcome, latency);
    const isPresent = verdicts.judge(op);
    if (isPresent) present[i] = 1;
    byIdc.note(slot, op, latency, isPresent);
  }
  verdicts.noteUnattempted();
  return { verdicts, byIdc, phases, timeline, present, readPositions, winnersByNode };
}
