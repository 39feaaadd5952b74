// The one time axis every chart of the page shares, in seconds since the
// drill started, so the services can be compared by eye; and the round steps
// its ticks fall on.
import { startsRtoClock } from '../../faults.js';
import type { Report } from '../report-model.js';
import { trimNumber } from './markup.js';

export interface TimeAxis {
  /** Epoch ms to seconds since the drill started. */
  rel(ms: number): number;
  min: number;
  max: number;
  /** Epoch ms of the first fault that can stop writes: the RTO clock's start. */
  outageStartMs: number | null;
}

export function timeAxis(report: Report): TimeAxis {
  const started = Date.parse(report.startedAt);
  const firstFrame = report.services.find((s) => (s.timeline?.series.length ?? 0) > 0)?.timeline;
  const zero = Number.isFinite(started) ? started : (firstFrame?.startMs ?? report.faults[0]?.appliedMs ?? 0);
  const rel = (ms: number): number => (ms - zero) / 1000;
  const outageStartMs = report.faults.find((f) => startsRtoClock(f.spec))?.requestedMs ?? null;
  let min = 0;
  let max = 1;
  for (const s of report.services) {
    const tl = s.timeline;
    const buckets = tl?.series[0]?.ok.length ?? 0;
    if (tl === undefined || buckets === 0) continue;
    min = Math.min(min, rel(tl.startMs));
    max = Math.max(max, rel(tl.startMs + buckets * tl.bucketMs));
    if (s.rto.gap?.endMs != null) max = Math.max(max, rel(s.rto.gap.endMs));
  }
  for (const f of report.faults) max = Math.max(max, rel(f.appliedMs), f.healedMs === null ? -Infinity : rel(f.healedMs));
  for (const l of report.replicationLag ?? []) {
    for (const sample of l.samples) {
      min = Math.min(min, rel(sample.at));
      max = Math.max(max, rel(sample.at));
    }
  }
  return { rel, min, max, outageStartMs };
}

/** The smallest of 1, 2, 5 x 10^k (or of the given steps) that splits range into at most maxTicks. */
export function niceStep(range: number, maxTicks: number, steps: number[] | null): number {
  if (steps !== null) {
    for (const step of steps) if (range / step <= maxTicks) return step;
    return Math.ceil(range / maxTicks / 3600) * 3600;
  }
  const raw = range / maxTicks;
  const pow = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * pow >= raw) return m * pow;
  return 10 * pow;
}

export function tickLabel(sec: number, step: number): string {
  if (step >= 60 && Math.abs(sec) >= 60) {
    const m = Math.floor(Math.abs(sec) / 60);
    const rest = Math.round(Math.abs(sec) % 60);
    return `${sec < 0 ? '-' : ''}${m}m${rest === 0 ? '' : ` ${rest}s`}`;
  }
  return `${trimNumber(sec)} s`;
}
