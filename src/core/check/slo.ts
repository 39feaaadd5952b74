// Scenario SLOs: inclusive upper bounds applied to every checked service. They
// are what gates CI, so each result carries a message a human can act on.
import type { ServiceName } from '../history.js';
import type { ServiceResult } from './check-types.js';

export interface SloSpec {
  rtoMs?: number;
  lostWrites?: number;
}

export type SloMetric = 'rtoMs' | 'lostWrites';

export interface SloResult {
  /** e.g. "mysql rtoMs <= 30000" */
  name: string;
  service: ServiceName;
  metric: SloMetric;
  threshold: number;
  actual: number | null;
  ok: boolean;
  message: string;
}

const METRICS: readonly SloMetric[] = ['rtoMs', 'lostWrites'];

export function evaluateSlos(services: readonly ServiceResult[], slo: SloSpec): SloResult[] {
  const results: SloResult[] = [];
  for (const service of services) {
    for (const metric of METRICS) {
      const threshold = slo[metric];
      if (threshold === undefined) continue;
      results.push(metric === 'rtoMs' ? rtoSlo(service, threshold) : lostSlo(service, threshold));
    }
  }
  return results;
}

function rtoSlo(s: ServiceResult, threshold: number): SloResult {
  const base = { name: `${s.name} rtoMs <= ${threshold}`, service: s.name, metric: 'rtoMs' as const, threshold };
  if (s.rtoMs === null) {
    // recovered with no RTO means there was no outage to recover from.
    return s.recovered
      ? { ...base, actual: null, ok: true, message: `${s.name}: no outage, RTO not measured` }
      : {
          ...base,
          actual: null,
          ok: false,
          message: `${s.name}: writes never recovered after the outage (RTO limit ${threshold} ms)`,
        };
  }
  const ok = s.rtoMs <= threshold;
  return {
    ...base,
    actual: s.rtoMs,
    ok,
    message: `${s.name}: RTO ${round(s.rtoMs)} ms ${ok ? 'within' : 'exceeds'} the limit of ${threshold} ms`,
  };
}

function lostSlo(s: ServiceResult, threshold: number): SloResult {
  const ok = s.lost <= threshold;
  const sample = s.lostIds.slice(0, 5).join(', ');
  const more = s.lostIds.length > 5 ? `, ... (${s.lostIds.length - 5} more)` : '';
  return {
    name: `${s.name} lostWrites <= ${threshold}`,
    service: s.name,
    metric: 'lostWrites',
    threshold,
    actual: s.lost,
    ok,
    message: ok
      ? `${s.name}: ${lostWrites(s.lost)}, limit ${threshold}`
      : `${s.name}: ${lostWrites(s.lost)}, over the limit of ${threshold} (lost: ${sample}${more})`,
  };
}

function lostWrites(n: number): string {
  return `${n} lost acknowledged write${n === 1 ? '' : 's'}`;
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
