// Which figures of a report the agents' clock skew could have distorted. A
// figure is marked only when the skew provably exceeds what the figure is
// measured to (its resolution): the skew less its uncertainty is larger. A
// figure whose resolution is finer than the measurement could tell is listed
// apart, unmarked: nothing shows it was distorted, nothing shows it was not.
import type { ServiceResult } from '../check/check-types.js';
import type { ClockMeasurement } from '../clock-skew.js';

/**
 * Split brain is the overlap of runs of acknowledgements stamped by different
 * agents, compared instant to instant with no tolerance: the report notes any
 * overlap above 0, a scenario bounds it in whole milliseconds (`splitBrain:
 * 0s` is the usual SLO), and the report gives it in whole milliseconds. So a
 * skew of a millisecond or more can invent a split brain where a failover
 * handed clients over within that millisecond, or hide one as short.
 */
export const SPLIT_BRAIN_RESOLUTION_MS = 1;

/** An RTO without a write interval to bound it (writes sent as fast as answered) is known, like split brain, to the report's millisecond. */
const UNKNOWN_RTO_RESOLUTION_MS = 1;

export type SkewedFigure = 'splitBrain' | 'rto';

/** The agents' clocks as measured at the start and the end of the run; null where not measured (a manual session has no start). */
export interface ClockProbes {
  start: ClockMeasurement | null;
  end: ClockMeasurement | null;
}

/** One figure of one service judged against the clocks behind it. */
export interface SkewJudgement {
  service: string;
  figure: SkewedFigure;
  resolutionMs: number;
  /** The measurement the judgement rests on. */
  at: 'start' | 'end';
  /** null: the agents' clocks against each other (split brain); a client: that agent's clock against the host's (RTO). */
  client: string | null;
  skewMs: number;
  uncertaintyMs: number;
}

export interface ReportClockSkew extends ClockProbes {
  /** Figures the skew provably exceeded the resolution of: (skew - uncertainty) > resolution. */
  marked: SkewJudgement[];
  /** Figures not marked whose resolution is finer than the measurement's uncertainty: the clocks could not be measured finely enough to tell. */
  unresolved: SkewJudgement[];
}

type Candidate = Omit<SkewJudgement, 'service' | 'figure' | 'resolutionMs'>;

/**
 * Split brain compares the agents' clocks with each other: one client's run
 * on the old writer against another's on the new one. The RTO compares an
 * agent's clock with the host's: a client's gap opens at the fault's request
 * (stamped by the host) when its failing write was sent before it, and closes
 * at one of its own writes; gaps of different clients are never compared. So
 * an RTO is judged on the offsets from the host of the clients measured for
 * it, split brain on the skew between every agent measured (a history does
 * not say which agents a service's split brain involved when no outage made
 * its clients known).
 */
export function judgeClockSkew(probes: ClockProbes, services: readonly ServiceResult[]): ReportClockSkew {
  const measurements = (['start', 'end'] as const).flatMap((at) => (probes[at] === null ? [] : [{ at, m: probes[at] }]));
  const marked: SkewJudgement[] = [];
  const unresolved: SkewJudgement[] = [];
  const judge = (service: string, figure: SkewedFigure, resolutionMs: number, candidates: Candidate[]): void => {
    const proven = largest(candidates, (c) => c.skewMs - c.uncertaintyMs);
    if (proven !== null && proven.skewMs - proven.uncertaintyMs > resolutionMs) {
      marked.push({ service, figure, resolutionMs, ...proven });
      return;
    }
    const coarse = largest(candidates, (c) => c.uncertaintyMs);
    if (coarse !== null && coarse.uncertaintyMs > resolutionMs) unresolved.push({ service, figure, resolutionMs, ...coarse });
  };
  for (const s of services) {
    if (s.splitBrain !== null) {
      const candidates = measurements.flatMap(({ at, m }) => (m.skewMs === null ? [] : [{ at, client: null, skewMs: m.skewMs, uncertaintyMs: m.uncertaintyMs ?? 0 }]));
      judge(s.name, 'splitBrain', SPLIT_BRAIN_RESOLUTION_MS, candidates);
    }
    const rtoClients = new Set(s.rto.byClient.filter((c) => c.measured).map((c) => c.client));
    if (rtoClients.size > 0) {
      const candidates = measurements.flatMap(({ at, m }) =>
        m.clients.filter((c) => rtoClients.has(c.client)).map((c) => ({ at, client: c.client, skewMs: Math.abs(c.offsetMs), uncertaintyMs: c.uncertaintyMs })),
      );
      judge(s.name, 'rto', s.rto.resolutionMs ?? UNKNOWN_RTO_RESOLUTION_MS, candidates);
    }
  }
  return { start: probes.start, end: probes.end, marked, unresolved };
}

/** The mark on one figure of one service, for renderers to show beside it; null when it has none. */
export function skewMark(skew: ReportClockSkew | undefined, service: string, figure: SkewedFigure): SkewJudgement | null {
  return skew?.marked.find((j) => j.service === service && j.figure === figure) ?? null;
}

/** One note per marked figure, for report.notes: what may be off, and by how much. */
export function clockSkewNotes(skew: ReportClockSkew): string[] {
  return skew.marked.map((j) => {
    const measured = `${formatClockMs(j.skewMs)} ± ${formatClockMs(j.uncertaintyMs)}`;
    if (j.figure === 'splitBrain') {
      return `${j.service}: clock skew: the split brain figure may be off: the agents' clocks were ${measured} apart at the ${j.at}, more than the ${formatClockMs(j.resolutionMs)} split brain is measured to; writes stamped on different clocks can seem to overlap, or to follow each other, by as much`;
    }
    return `${j.service}: clock skew: the RTO may be off: ${j.client ?? 'an agent'}'s clock was ${measured} off the host's at the ${j.at}, more than the RTO's ${formatClockMs(j.resolutionMs)} resolution; a gap opened at the fault's request (the host's clock) and closed by the agent's write is shifted by as much`;
  });
}

/** A clock difference to three significant digits: skews and uncertainties are often well under a millisecond. */
export function formatClockMs(ms: number): string {
  const abs = Math.abs(ms);
  const sign = ms < 0 ? '-' : '';
  if (abs >= 1000) return `${sign}${(abs / 1000).toFixed(2)} s`;
  if (abs < 0.001) return '0 ms';
  return `${sign}${Number(abs.toPrecision(3))} ms`;
}

/** An agent's offset from the host, signed: "+0.12 ms ± 4.1 ms". */
export function formatClockOffset(offsetMs: number, uncertaintyMs: number): string {
  return `${offsetMs > 0 && formatClockMs(offsetMs) !== '0 ms' ? '+' : ''}${formatClockMs(offsetMs)} ± ${formatClockMs(uncertaintyMs)}`;
}

function largest<T>(items: readonly T[], by: (item: T) => number): T | null {
  let best: T | null = null;
  for (const item of items) if (best === null || by(item) > by(best)) best = item;
  return best;
}
