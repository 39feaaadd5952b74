// The worst RTO gap split by the failover machinery's milestones: the fault,
// the failure detected, the promotion, the first durable write. Each part is
// a duration between two milestones in that order, so none is negative; when
// the clients were served again before a milestone was reported, the report
// says so in words.
import { formatMs } from '../duration.js';
import type { RtoGap, RtoSplit } from './rto-types.js';

/** Every detection and promotion the failover machinery reported, epoch ms. */
export interface FailoverMilestones {
  detectedMs: number[];
  promotedMs: number[];
  /** The promotions with the node promoted (a name, or the address Sentinel logs) and the machinery's reason, when it gives one. */
  promotions?: { atMs: number; node: string; reason: string | null }[];
  /** When a proxy in front of the group marked a node up, the clients' way to a new writer (proxy routes only). */
  routedMs?: number[];
}

export interface ClockFault {
  id: string;
  /** When it was asked for: clients feel a fault from its first effect, before the whole of it has returned. */
  atMs: number;
  healedMs: number | null;
  /** How the fault reads in a sentence, e.g. "power idc-a". */
  label: string;
}

export const NO_SPLIT: RtoSplit = { faultId: null, detectMs: null, promoteMs: null, rerouteMs: null, note: null };

/**
 * The gap belongs to the last fault that took effect at or before it opened;
 * milestones count from that fault until the next one.
 */
export function splitGap(gap: RtoGap | null, clockFaults: readonly ClockFault[], milestones: FailoverMilestones | undefined): RtoSplit {
  if (gap === null) return NO_SPLIT;
  const sorted = [...clockFaults].sort((a, b) => a.atMs - b.atMs);
  let at = 0;
  while (at + 1 < sorted.length && sorted[at + 1]!.atMs <= gap.startMs) at++;
  const fault = sorted[at];
  if (fault === undefined) return NO_SPLIT;
  // A gap that opened after its fault was healed is the heal's doing (a node coming back with old
  // data, clients rerouting again): the failover milestones came before it and are not its parts.
  if (fault.healedMs !== null && gap.startMs >= fault.healedMs) {
    return { ...NO_SPLIT, faultId: fault.id, note: `the gap opened ${formatMs(gap.startMs - fault.healedMs)} after ${fault.label} was healed: no failover milestone belongs to it` };
  }
  const until = sorted[at + 1]?.atMs ?? Infinity;
  const within = (t: number, from: number): boolean => t >= from && t < until;
  const detect = milestones?.detectedMs.filter((t) => within(t, fault.atMs)).sort((a, b) => a - b)[0];
  const promote = milestones?.promotedMs.filter((t) => within(t, detect ?? fault.atMs)).sort((a, b) => a - b)[0];
  const end = gap.endMs;
  const split: RtoSplit = {
    faultId: fault.id,
    detectMs: detect === undefined ? null : detect - fault.atMs,
    promoteMs: detect !== undefined && promote !== undefined ? promote - detect : null,
    rerouteMs: promote !== undefined && end !== null && end >= promote ? end - promote : null,
    note: null,
  };
  if (milestones?.routedMs !== undefined) {
    // The proxy's part of the reroute: from the promotion until it sent clients to a node again.
    const routed = promote === undefined ? undefined : milestones.routedMs.filter((t) => within(t, promote)).sort((a, b) => a - b)[0];
    split.proxyMs = routed !== undefined && end !== null && routed <= end ? routed - promote! : null;
  }
  if (end === null) split.note = 'writes had not recovered when the drill ended';
  else if (gap.interrupted) split.note = "the client's own IDC went down before it recovered";
  else if (detect !== undefined && end < detect) split.note = `clients wrote durably again ${formatMs(detect - end)} before the failure was detected`;
  else if (promote !== undefined && end < promote) split.note = `clients wrote durably again ${formatMs(promote - end)} before the promotion was reported`;
  else if (promote !== undefined && detect === undefined) split.note = `a promotion was reported ${formatMs(promote - fault.atMs)} after the fault, with no detection before it`;
  else if (detect === undefined && promote === undefined) split.note = 'no failover was reported: clients were served again without one';
  return split;
}
