// A finished drill as Grafana annotations: each fault as a region from the
// moment it took effect to its heal, each promotion as a point, and the drill
// itself as a region carrying its verdict. Laid over a team's own dashboards,
// they show which dip in throughput or spike in latency the drill caused.
// Each is a body for Grafana's POST /api/annotations as it stands: `text`,
// `time` and `timeEnd` in epoch milliseconds (Grafana's unit, not Prometheus's
// seconds), `tags`. None names a dashboard: an annotation without one belongs
// to the organisation and shows wherever a tag query asks for "hadrill".
import type { ServiceResult } from '../check/check-types.js';
import { describeFault, type FaultEvent } from '../faults.js';
import type { Report } from './report-model.js';
import { formatDuration, formatRto } from './render-summary.js';

export interface GrafanaAnnotation {
  text: string;
  /** Epoch ms, an integer. */
  time: number;
  /** Epoch ms, an integer, never before `time`; absent for a point in time. */
  timeEnd?: number;
  /** Always starts with "hadrill", then what it marks (fault, promotion, drill). */
  tags: string[];
}

/** The tag every hadrill annotation carries: the one a dashboard's annotation query asks for. */
export const HADRILL_TAG = 'hadrill';

export function grafanaAnnotations(report: Report): GrafanaAnnotation[] {
  const scenario = report.scenario.name;
  const where = `scenario ${scenario}, run ${report.run}`;
  const faults = report.faults.flatMap((f) => faultAnnotation(f, scenario, where));
  const promotions = report.services.flatMap((s) => [
    ...s.promotions.flatMap((p) => promotionAnnotation(s.name, p, scenario, where, false)),
    ...(s.promotionsWithoutFault ?? []).flatMap((p) => promotionAnnotation(s.name, p, scenario, where, true)),
  ]);
  return [...drillAnnotation(report, scenario), ...faults, ...promotions];
}

function faultAnnotation(f: FaultEvent, scenario: string, where: string): GrafanaAnnotation[] {
  // A fault that never took effect (a drill ended while applying it) still marks when it was asked for.
  const time = epochMs(Number.isFinite(f.appliedMs) ? f.appliedMs : f.requestedMs);
  if (time === null) return [];
  const healed = f.healedMs === null ? null : epochMs(f.healedMs);
  const end = healed === null ? '' : healed > time ? `; healed after ${formatDuration(healed - time)}` : '; healed';
  const never = f.healedMs === null && f.spec.kind !== 'switchover' ? '; never healed in the drill' : '';
  return [
    {
      text: `hadrill fault: ${describeFault(f.spec)} (${where})${end}${never}`,
      time,
      ...(healed === null ? {} : { timeEnd: Math.max(time, healed) }),
      tags: [HADRILL_TAG, 'fault', f.spec.kind, scenario],
    },
  ];
}

function promotionAnnotation(service: string, p: ServiceResult['promotions'][number], scenario: string, where: string, withoutFault: boolean): GrafanaAnnotation[] {
  const time = epochMs(p.atMs);
  if (time === null) return [];
  const reason = p.reason === null ? '' : `: ${p.reason}`;
  const what = withoutFault ? 'promotion WITHOUT A FAULT (false failover)' : 'promotion';
  return [
    {
      text: `hadrill ${what}: ${p.node} became the writer of ${service}${reason} (${where})`,
      time,
      tags: [HADRILL_TAG, 'promotion', service, scenario, ...(withoutFault ? ['false-failover'] : [])],
    },
  ];
}

function drillAnnotation(report: Report, scenario: string): GrafanaAnnotation[] {
  const time = epochMs(Date.parse(report.startedAt));
  if (time === null) return [];
  const finished = epochMs(Date.parse(report.finishedAt));
  const services = report.services.map((s) => `${s.name}: RTO ${formatRto(s)}, ${s.lost} lost ${s.lost === 1 ? 'write' : 'writes'}`);
  const unchecked = (report.incomplete ?? []).map((i) => `${i.name}: not checked (${i.reason})`);
  const failed = report.slos.filter((s) => !s.ok).length;
  const slos = report.slos.length === 0 ? 'no SLOs declared' : `${failed} of ${report.slos.length} SLOs failed`;
  const figures = [...services, ...unchecked];
  return [
    {
      text: `hadrill ${report.mode} ${scenario} (${report.scenario.tier}, run ${report.run}): ${report.verdict.toUpperCase()}, ${slos}${figures.length === 0 ? '' : `; ${figures.join('; ')}`}`,
      time,
      ...(finished === null ? {} : { timeEnd: Math.max(time, finished) }),
      tags: [HADRILL_TAG, 'drill', report.verdict, scenario],
    },
  ];
}

/** An instant as Grafana takes it: whole epoch milliseconds; null for a missing or impossible one. */
function epochMs(ms: number): number | null {
  return Number.isFinite(ms) && ms > 0 ? Math.round(ms) : null;
}
