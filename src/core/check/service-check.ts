// One service's result: its ops scanned once against the final state, then
// the RTO, reads, conflicts, split brain and lost writes' causes derived from
// that scan, assembled in the order report.json lists them.
import type { OpRecord, ServiceName } from '../history.js';
import { authoritativeState } from './authoritative-state.js';
import { summarizeBackups } from './backups.js';
import type { CheckInput, ServiceResult } from './check-types.js';
import { conflictsOnNodes, divergentRegisters } from './conflicts.js';
import { countDivergent } from './divergence.js';
import { latencyStats } from './latency.js';
import { explainLostWrites } from './lost-causes.js';
import { measureRecovery } from './recovery.js';
import { scanServiceOps } from './service-scan.js';
import { measureSplitBrain } from './split-brain.js';
import { checkStaleReads } from './stale-reads.js';
import type { TimelineFrame } from './timeline.js';

/** ops: the service's ops in history order; frame: the timeline frame every service of the check shares. */
export function checkServiceOps(service: ServiceName, ops: readonly OpRecord[], input: CheckInput, frame: TimelineFrame): ServiceResult {
  if (!(input.rtoWindowMs >= 0) || !Number.isFinite(input.rtoWindowMs)) {
    throw new RangeError(`rtoWindowMs must be a finite number >= 0, got ${input.rtoWindowMs}`);
  }
  const state = input.finalState.services.find((s) => s.service === service);
  const judgedAgainst = authoritativeState(state);
  const { authoritativeNode, converged, sharded, finalIds } = judgedAgainst;
  const start = input.outageStartMs;
  const { verdicts, byIdc, phases, timeline, present, readPositions, winnersByNode } = scanServiceOps(ops, judgedAgainst, frame, start);

  const recovery = measureRecovery(service, ops, present, input);
  const reads = checkStaleReads({ ops, readPositions, present, outageStartMs: start, phaseOf: recovery.phaseOf, stats: latencyStats });
  const conflictIds = conflictsOnNodes(ops, present, judgedAgainst.registerNodes, winnersByNode);
  const names = input.nodeNames ?? {};
  const nodeName = (n: string): string => names[n] ?? n;
  const singleWriter = input.singleWriter?.[service] ?? true;

  const kind = input.kinds?.[service] ?? 'unknown';
  const backups = input.backups?.[service];
  const reported = (input.failoverEvents?.[service]?.promotions ?? []).map((p) => ({ ...p, node: nodeName(p.node) }));
  // A promotion before any fault was asked for is a false failover: nothing had failed.
  const promotions = start === null ? [] : reported.filter((p) => p.atMs >= start);
  const withoutFault = reported.filter((p) => start === null || p.atMs < start);
  const splitBrain = singleWriter ? measureSplitBrain({ ops, present, nodeName, down: recovery.down }) : null;
  const lostCauses = explainLostWrites({ lost: verdicts.lostWrites, nodeName, state, promotions, splitBrain, backups, faults: input.faults, nodeIdcs: input.nodeIdcs ?? {}, group: service });
  return {
    name: service,
    kind,
    attempted: verdicts.attempted,
    acknowledged: verdicts.acknowledged,
    failed: verdicts.failed,
    unknown: verdicts.unknown,
    lost: verdicts.lostIds.length,
    lostIds: verdicts.lostIds,
    lostCauses,
    unknownPresent: verdicts.unknownPresent,
    unknownAbsent: verdicts.unknownAbsent,
    unexpected: verdicts.unexpectedIds.length,
    unexpectedIds: verdicts.unexpectedIds,
    divergent: sharded ? 0 : countDivergent(state, converged ? null : authoritativeNode, finalIds) + divergentRegisters(state?.nodes ?? []),
    conflicts: conflictIds.length,
    conflictIds,
    failures: verdicts.failures(),
    reads: reads.result,
    rpo: verdicts.rpo(start),
    rtoMs: recovery.rtoMs,
    recovered: recovery.recovered,
    rto: recovery.detail,
    rtoSplit: recovery.split,
    promotions,
    promotionsWithoutFault: withoutFault,
    splitBrain,
    backups: backups === undefined ? null : summarizeBackups(backups, ops, start, latencyStats),
    byIdc: byIdc.finish(),
    phases: phases.finish(recovery.phaseOf, reads.phases),
    authoritativeNode,
    timeline: timeline.finish(),
  };
}
