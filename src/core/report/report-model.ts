// report.json is the source of truth every other format is rendered from, and
// what `hadrill compare` reads back; schema/report.schema.json describes it.
import type { ServiceResult } from '../check/check-types.js';
import type { SloResult } from '../check/slo.js';
import type { FaultEvent } from '../faults.js';
import type { LagSeries } from '../manager-log.js';

export interface Report {
  schemaVersion: 2;
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
  slos: SloResult[];
  verdict: 'pass' | 'fail';
  notes: string[];
  /** Replication lag of each MySQL replica, sampled every second by the failover manager over the whole run. */
  replicationLag?: LagSeries[];
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
  slos: SloResult[];
  notes?: string[];
  replicationLag?: LagSeries[];
}

export function buildReport(input: BuildReportInput): Report {
  return {
    schemaVersion: 2,
    tool: 'hadrill',
    scenario: { ...input.scenario },
    run: input.run,
    mode: input.mode,
    startedAt: toIso(input.startedAt),
    finishedAt: toIso(input.finishedAt),
    faults: input.faults,
    services: input.services,
    slos: input.slos,
    verdict: input.slos.every((s) => s.ok) ? 'pass' : 'fail',
    notes: [...(input.notes ?? []), ...anomalyNotes(input.services)],
    ...(input.replicationLag ? { replicationLag: input.replicationLag } : {}),
  };
}

// These do not fail an SLO but usually mean a broken fence, a split brain or a
// workload bug, so they must not go unnoticed in a passing report.
function anomalyNotes(services: readonly ServiceResult[]): string[] {
  const notes: string[] = [];
  for (const s of services) {
    if (s.authoritativeNode === null && s.attempted > 0) {
      notes.push(`${s.name}: no authoritative node survived; every acknowledged write counts as lost`);
    }
    if (s.unexpected > 0) {
      notes.push(
        `${s.name}: ${s.unexpected} ids in the final state were never attempted or were reported failed (unexpectedIds)`,
      );
    }
    if (s.divergent > 0) notes.push(`${s.name}: ${s.divergent} rows or keys differ between the nodes in service`);
    if (s.conflicts > 0) {
      notes.push(`${s.name}: ${s.conflicts} acknowledged writes to shared keys were silently overwritten by older writes from another IDC (conflictIds)`);
    }
    if (s.reads.unexplained > 0) {
      notes.push(`${s.name}: ${s.reads.unexplained} reads returned a write their client never attempted`);
    }
  }
  return notes;
}

function toIso(t: number | string): string {
  if (typeof t === 'string') return t;
  const d = new Date(t);
  if (Number.isNaN(d.getTime())) throw new RangeError(`not a valid timestamp: ${t}`);
  return d.toISOString();
}
