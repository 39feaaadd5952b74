// What a check needs besides the history and the final state, saved beside
// them as check-input.json: the faults, the machinery's milestones, the
// scenario's settings, the SLOs, the notes of the run and the readings of the
// agents' clocks (so a re-check marks the same figures). With it, `hadrill
// check --from DIR` checks a saved drill again (after a fix to the checker,
// or with a newer hadrill) without Docker and without the run.
import { checkAll, incompleteServices } from '../check/checker.js';
import type { CheckInput } from '../check/check-types.js';
import { evaluateScenarioSlos } from '../check/slo-scope.js';
import type { FinalState, OpRecord } from '../history.js';
import type { Slo } from '../scenario/scenario.js';
import { buildReport, type BuildReportInput, type Report } from './report-model.js';

export const SAVED_CHECK_VERSION = 1;

export interface SavedCheck {
  schemaVersion: typeof SAVED_CHECK_VERSION;
  /** The checker's input, less the history and the final state (saved in their own files). */
  input: Omit<CheckInput, 'history' | 'finalState'>;
  /** The report's frame: the scenario, run, times, notes and summaries the checker does not compute. */
  report: Omit<BuildReportInput, 'faults' | 'services' | 'incomplete' | 'slos'>;
  slo: Slo;
}

export function savedCheck(input: CheckInput, report: SavedCheck['report'], slo: Slo): SavedCheck {
  const { history: _history, finalState: _finalState, ...rest } = input;
  return { schemaVersion: SAVED_CHECK_VERSION, input: rest, report, slo };
}

/** The report a saved check makes with this hadrill's checker; `slo` replaces the saved SLOs when given. */
export function recheck(saved: SavedCheck, history: OpRecord[], finalState: FinalState, options: { slo?: Slo; note?: string } = {}): Report {
  const input: CheckInput = { ...saved.input, history, finalState };
  const services = checkAll(input);
  return buildReport({
    ...saved.report,
    faults: saved.input.faults,
    services,
    incomplete: incompleteServices(input),
    slos: evaluateScenarioSlos(services, options.slo ?? saved.slo),
    notes: [...(saved.report.notes ?? []), ...(options.note ? [options.note] : [])],
  });
}
