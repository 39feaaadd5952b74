// One write's story from a saved drill, for the user chasing it: who sent it,
// when, what its client heard, which node answered, where it is now, and the
// checker's verdict with its cause. Read from the report directory alone
// (report.json, history.jsonl, final-state.json): no Docker needed.
import type { LostCauseGroup } from '../check/check-types.js';
import type { FinalState, OpRecord } from '../history.js';
import type { Report } from './report-model.js';
import { formatDuration, formatLostCause, formatSinceStart } from './render-summary.js';

export type WriteVerdict = 'durable' | 'lost' | 'failed' | 'unknown-present' | 'unknown-absent' | 'failed-but-present' | 'not-checked';

export interface WriteStory {
  id: string;
  op: OpRecord;
  verdict: WriteVerdict;
  /** For a lost write: its cause group (ids left out). */
  cause: Omit<LostCauseGroup, 'ids'> | null;
  /** Nodes whose final read holds it, with their roles. */
  on: { node: string; role: string; inService: boolean }[];
  /** Nodes read in the end that do not hold it. */
  notOn: { node: string; role: string; inService: boolean }[];
}

export function explainWrite(report: Report, history: readonly OpRecord[], finalState: FinalState | null, id: string): WriteStory | null {
  const op = history.find((o) => o.id === id && o.kind === 'write');
  if (!op) return null;
  const state = finalState?.services.find((s) => s.service === op.service);
  const nodes = [...(state?.nodes ?? []).map((n) => ({ n, inService: true })), ...(state?.outOfService ?? []).map((n) => ({ n, inService: false }))];
  const on = nodes.filter(({ n }) => n.ids.includes(id)).map(({ n, inService }) => ({ node: n.node, role: n.role, inService }));
  const notOn = nodes.filter(({ n }) => !n.ids.includes(id)).map(({ n, inService }) => ({ node: n.node, role: n.role, inService }));
  const service = report.services.find((s) => s.name === op.service);
  const group = service?.lostCauses?.find((g) => g.ids.includes(id));
  let cause: WriteStory['cause'] = null;
  if (group) {
    const { ids: _ids, ...rest } = group;
    cause = rest;
  }
  // The final state, as the checker judged it: the authoritative node's, or every in-service node's for a converged service.
  const present = state?.authority === 'converged' ? on.some((n) => n.inService) : on.some((n) => n.node === state?.authoritativeNode);
  return { id, op, verdict: verdictOf(op, service, present), cause, on, notOn };
}

function verdictOf(op: OpRecord, service: Report['services'][number] | undefined, present: boolean): WriteVerdict {
  if (service === undefined) return 'not-checked';
  switch (op.outcome) {
    case 'ok':
      return present ? 'durable' : 'lost';
    case 'failed':
      return present ? 'failed-but-present' : 'failed';
    case 'unknown':
      return present ? 'unknown-present' : 'unknown-absent';
  }
}

const VERDICT_TEXT: Record<WriteVerdict, string> = {
  durable: 'DURABLE: acknowledged and present in the final state',
  lost: 'LOST: acknowledged, then absent from the final state',
  failed: 'FAILED: definitely not applied, and absent',
  'failed-but-present': 'FAILED, YET PRESENT: reported not applied, but the final state holds it',
  'unknown-present': 'UNKNOWN, PRESENT: its client never heard, and it was applied (not a loss)',
  'unknown-absent': 'UNKNOWN, ABSENT: its client never heard, and it was not applied (not a loss)',
  'not-checked': 'NOT CHECKED: the service could not be checked (see the report\'s incomplete services)',
};

/** The story in lines of plain text. */
export function formatWriteStory(report: Pick<Report, 'startedAt'>, story: WriteStory): string[] {
  const { op } = story;
  const lines = [`${story.id}: ${op.service} write by ${op.client} in ${op.idc}${op.key === undefined ? '' : `, key ${op.key}`}`];
  const answered = op.completeMs === null ? 'no answer recorded (its client died)' : `${op.outcome} at ${formatSinceStart(report, op.completeMs)} (${formatDuration(op.completeMs - op.invokeMs)})`;
  lines.push(`  sent at ${formatSinceStart(report, op.invokeMs)}; ${answered}${op.node === undefined ? '' : ` from ${op.node}`}${op.error === undefined ? '' : `: ${op.error}`}`);
  if (op.route) lines.push(`  routed by the data access layer to ${op.route.zone} at epoch ${op.route.epoch}${op.route.forwarded ? ', forwarded' : ''}`);
  lines.push(`  ${VERDICT_TEXT[story.verdict]}`);
  if (story.cause) lines.push(`  why, with the writes lost alike: ${formatLostCause(report, { ...story.cause, ids: [] })}`);
  const list = (xs: WriteStory['on']): string => (xs.length === 0 ? 'none' : xs.map((n) => `${n.node} (${n.role}${n.inService ? '' : ', out of service'})`).join(', '));
  lines.push(`  held by: ${list(story.on)}`, `  not held by: ${list(story.notOn)}`);
  return lines;
}
