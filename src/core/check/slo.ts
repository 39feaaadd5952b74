// Scenario SLOs: inclusive upper bounds applied to every checked service. They
// are what gates CI, so each result carries a message a human can act on.
import type { ServiceName } from '../history.js';
import type { ServiceResult } from './check-types.js';

export interface SloSpec {
  rtoMs?: number;
  lostWrites?: number;
  /** p99 latency of acknowledged writes invoked during the fault (outage start to recovery) */
  p99WriteMsDuringFault?: number;
  /** ids and shared keys that differ between the in-service nodes */
  divergentRows?: number;
  /** acknowledged writes to shared keys silently overwritten by an older write from another IDC */
  conflicts?: number;
  /** p99 stale-read age over every ok read of the drill */
  p99StaleReadMs?: number;
  /** time during which two or more nodes of a one-writer service acknowledged writes at once */
  splitBrainMs?: number;
}

export type SloMetric = keyof SloSpec;

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

const METRICS: readonly SloMetric[] = ['rtoMs', 'lostWrites', 'p99WriteMsDuringFault', 'divergentRows', 'conflicts', 'p99StaleReadMs', 'splitBrainMs'];

export function evaluateSlos(services: readonly ServiceResult[], slo: SloSpec): SloResult[] {
  const results: SloResult[] = [];
  for (const service of services) {
    for (const metric of METRICS) {
      const threshold = slo[metric];
      if (threshold === undefined) continue;
      if (metric === 'rtoMs') results.push(rtoSlo(service, threshold));
      else if (metric === 'lostWrites') results.push(lostSlo(service, threshold));
      else if (metric === 'divergentRows') results.push(boundSlo(service, metric, threshold, service.divergent, 'ids or keys differ between the in-service nodes'));
      else if (metric === 'conflicts') results.push(boundSlo(service, metric, threshold, service.conflicts, 'writes overwritten by an older write from another IDC'));
      else if (metric === 'p99StaleReadMs') results.push(boundSlo(service, metric, threshold, service.reads.staleAgeMs.p99Ms, 'ms p99 stale-read age'));
      else if (metric === 'splitBrainMs') results.push(splitBrainSlo(service, threshold));
      else results.push(boundSlo(service, metric, threshold, service.phases.during.writeLatency.p99Ms, 'ms p99 write latency during the fault'));
    }
  }
  return results;
}

function rtoSlo(s: ServiceResult, threshold: number): SloResult {
  const base = { name: `${s.name} rtoMs <= ${threshold}`, service: s.name, metric: 'rtoMs' as const, threshold };
  if (s.rtoMs === null) {
    // Recovered with no RTO: no outage to recover from (no recovery instant either), or no write after it began to measure.
    const why = s.rto.recoveredAtMs === null ? 'no outage' : s.attempted === 0 ? 'no writes' : 'no write after the outage began';
    return s.recovered
      ? { ...base, actual: null, ok: true, message: `${s.name}: ${why}, RTO not measured` }
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

/** A multi-writer service has no split brain to bound: the SLO holds, and says why. */
function splitBrainSlo(s: ServiceResult, threshold: number): SloResult {
  const base = { name: `${s.name} splitBrainMs <= ${threshold}`, service: s.name, metric: 'splitBrainMs' as const, threshold };
  const sb = s.splitBrain;
  if (sb === null) return { ...base, actual: null, ok: true, message: `${s.name}: takes writes on several nodes by design; no split brain to measure` };
  const ok = sb.ms <= threshold;
  const what = sb.ms === 0 ? 'no two nodes acknowledged writes at once' : `${sb.nodes.join(' and ')} acknowledged writes at once for ${round(sb.ms)} ms (${sb.lost} of ${sb.acknowledged} writes acknowledged meanwhile lost)`;
  return { ...base, actual: sb.ms, ok, message: `${s.name}: ${what}${ok ? '' : `, over the limit of ${threshold} ms`}` };
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

/** An upper bound on a plain number; no measurement (no write during the fault) holds trivially. */
function boundSlo(s: ServiceResult, metric: SloMetric, threshold: number, actual: number | null, unit: string): SloResult {
  const ok = actual === null || actual <= threshold;
  const shown = actual === null ? 'not measured' : `${round(actual)} ${unit}`;
  return {
    name: `${s.name} ${metric} <= ${threshold}`,
    service: s.name,
    metric,
    threshold,
    actual,
    ok,
    message: `${s.name}: ${shown}${actual === null ? '' : ok ? `, within ${threshold}` : `, over the limit of ${threshold}`}`,
  };
}

function lostWrites(n: number): string {
  return `${n} lost acknowledged write${n === 1 ? '' : 's'}`;
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
