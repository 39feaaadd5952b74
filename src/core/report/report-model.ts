// report.json is the source of truth every other format is rendered from, and
// what `hadrill compare` reads back; schema/report.schema.json describes it.
import type { AgentCpuSummary } from '../agent-cpu.js';
import type { DalSummary } from '../check/dal-summary.js';
import type { IncompleteService, ServiceResult } from '../check/check-types.js';
import { formatMs } from '../duration.js';
import type { SloResult } from '../check/slo.js';
import type { FaultEvent } from '../faults.js';
import type { LagSeries } from '../manager-log.js';
import { clockSkewNotes, judgeClockSkew, type ClockProbes, type ReportClockSkew } from './clock-skew-marks.js';
import { familyOf, type ReportFamilies } from './report-family.js';

export interface Report {
  schemaVersion: 3;
  tool: 'hadrill';
  scenario: { name: string; file: string | null; tier: string };
  run: string;
  mode: 'drill' | 'manual';
  /** ISO 8601 */
  startedAt: string;
  finishedAt: string;
  faults: FaultEvent[];
  /** Each carries lostIds: the ids a user needs to chase a lost write. */
  services: ServiceResult[];
  /** Services that could not be checked (no authoritative final state), with the reason: never counted as all lost. */
  incomplete: IncompleteService[];
  slos: SloResult[];
  /** incomplete: a service could not be checked, so no verdict on SLOs is given (exit 2). */
  verdict: 'pass' | 'fail' | 'incomplete';
  notes: string[];
  /** Replication lag of each MySQL replica, sampled every second by the failover manager over the whole run. */
  replicationLag?: LagSeries[];
  /** The data access layer of a routed tier: its routers' decisions, its moves of shards, forwarding, and one home per user. */
  dal?: DalSummary;
  /** How each datastore kind of the drill is shown (its family in `compare`, a lag chart or not), by kind name. */
  families?: ReportFamilies;
  /**
   * How far apart the agents' clocks were at the start and the end of the run
   * (each agent's offset from the host's clock), and the figures the skew could
   * have distorted. Absent from reports of runs whose clocks were not measured.
   */
  clockSkew?: ReportClockSkew;
  /** What the workload agents cost: operations sent and CPU used, so a reader can tell that they were not what limited the run. */
  agentCpu?: AgentCpuSummary;
}

export interface BuildReportInput {
  scenario: Report['scenario'];
  run: string;
  mode: Report['mode'];
  /** Epoch ms or an ISO 8601 string. */
  startedAt: number | string;
  finishedAt: number | string;
  faults: FaultEvent[];
  services: ServiceResult[];
  incomplete?: IncompleteService[];
  slos: SloResult[];
  notes?: string[];
  replicationLag?: LagSeries[];
  dal?: DalSummary | null;
  families?: ReportFamilies;
  /** The agents' clocks as measured; the figures they may have distorted are judged here, so a re-check judges them again. */
  clockSkew?: ClockProbes | null;
  agentCpu?: AgentCpuSummary | null;
}

export function buildReport(input: BuildReportInput): Report {
  const probes = input.clockSkew;
  const clockSkew = probes && (probes.start !== null || probes.end !== null) ? judgeClockSkew(probes, input.services) : null;
  return {
    schemaVersion: 3,
    tool: 'hadrill',
    scenario: { ...input.scenario },
    run: input.run,
    mode: input.mode,
    startedAt: toIso(input.startedAt),
    finishedAt: toIso(input.finishedAt),
    faults: input.faults,
    services: input.services,
    incomplete: input.incomplete ?? [],
    slos: input.slos,
    verdict: (input.incomplete ?? []).length > 0 ? 'incomplete' : input.slos.every((s) => s.ok) ? 'pass' : 'fail',
    notes: [...(input.notes ?? []), ...incompleteNotes(input.incomplete ?? []), ...anomalyNotes(input.services, input.families), ...(clockSkew ? clockSkewNotes(clockSkew) : [])],
    ...(input.replicationLag ? { replicationLag: input.replicationLag } : {}),
    ...(input.agentCpu ? { agentCpu: input.agentCpu } : {}),
    ...(input.dal ? { dal: input.dal } : {}),
    ...(input.families ? { families: input.families } : {}),
    ...(clockSkew ? { clockSkew } : {}),
  };
}

// These do not fail an SLO but usually mean a broken fence, a split brain or a
// workload bug, so they must not go unnoticed in a passing report.
function anomalyNotes(services: readonly ServiceResult[], families: ReportFamilies | undefined): string[] {
  const notes: string[] = [];
  for (const s of services) {
    const sb = s.splitBrain;
    if (sb !== null && sb.ms > 0) {
      notes.push(`${s.name}: split brain: ${sb.nodes.join(' and ')} acknowledged writes at once for ${formatMs(sb.ms)}; ${sb.lost} of the ${sb.acknowledged} writes acknowledged meanwhile were lost`);
    }
    if (s.rtoSplit.note !== null) notes.push(`${s.name}: RTO split: ${s.rtoSplit.note}`);
    if (s.unexpected > 0) {
      notes.push(
        `${s.name}: ${s.unexpected} ids in the final state were never attempted or were reported failed (unexpectedIds)`,
      );
    }
    if (s.divergent > 0) notes.push(`${s.name}: ${s.divergent} rows or keys differ between the nodes in service`);
    if (s.conflicts > 0) {
      notes.push(`${s.name}: ${s.conflicts} acknowledged writes to shared keys were silently overwritten by older writes from another IDC (conflictIds)`);
    }
    const unexplainedLosses = (s.lostCauses ?? []).filter((g) => g.cause === 'unexplained').reduce((n, g) => n + g.count, 0);
    if (unexplainedLosses > 0) {
      notes.push(`${s.name}: ${unexplainedLosses} lost writes have no known cause (lostCauses: unexplained): neither replication, split brain nor a restore lost them`);
    }
    if (s.reads.unexplained > 0) {
      notes.push(`${s.name}: ${s.reads.unexplained} reads returned a write their client never attempted`);
    }
    const certification = s.failures.find((f) => f.cause === 'ER_LOCK_DEADLOCK');
    if (familyOf(families, s.kind).certifies && certification) {
      notes.push(`${s.name}: ${certification.count} writes lost a certification conflict to another node's write of the same key (ER_LOCK_DEADLOCK, counted as failed)`);
    }
  }
  return notes;
}

function incompleteNotes(incomplete: readonly IncompleteService[]): string[] {
  return incomplete.map((i) => {
    const read = i.readable.length === 0 ? 'no node could be read' : `read: ${i.readable.join(', ')}`;
    const unread = i.unreadable.length === 0 ? '' : `; could not read: ${i.unreadable.map((u) => `${u.node} (${u.reason})`).join(', ')}`;
    return `${i.name}: not checked: ${i.reason} (${read}${unread}); ${i.acknowledged} of ${i.attempted} writes were acknowledged`;
  });
}

function toIso(t: number | string): string {
  if (typeof t === 'string') return t;
  const d = new Date(t);
  if (Number.isNaN(d.getTime())) throw new RangeError(`not a valid timestamp: ${t}`);
  return d.toISOString();
}
