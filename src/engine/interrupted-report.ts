// The report of a drill that could not finish (the engine took a container
// away, the user pressed Ctrl-C): what was measured up to then. Without a
// final read nothing can be called durable or lost, so no group is judged:
// each is listed as incomplete with what its history alone tells (writes
// attempted and acknowledged), the faults come from the journal, and the
// history is kept beside it. Its verdict is `incomplete`, exit code 2.
import type { IncompleteService } from '../core/check/check-types.js';
import { faultEvents } from '../core/journal-model.js';
import { buildReport, type Report } from '../core/report/report-model.js';
import { writeReportFiles } from './check-run.js';
import { readRunHistory } from './history-files.js';
import { readJournal } from './journal.js';
import type { RunState } from './run-store.js';
import type { ReportDirOptions } from './report-dir.js';

export interface Interruption {
  /** The drill phase it stopped in, e.g. "recovery". */
  phase: string;
  /** Why, in the words the CLI prints. */
  reason: string;
  /** When the timeline started (the report's start), or null when the drill stopped before it did. */
  startedAtMs: number | null;
}

export function writeInterruptedReport(state: RunState, interruption: Interruption, reportDir: string, options: ReportDirOptions = {}): Report {
  const history = readRunHistory(state.run);
  const why = `the drill stopped in its ${interruption.phase} phase before the final read: ${interruption.reason}`;
  const incomplete: IncompleteService[] = state.scenario.groups.map((g) => {
    const writes = history.ops.filter((op) => op.service === g.name && op.kind === 'write');
    return { name: g.name, reason: why, attempted: writes.length, acknowledged: writes.filter((op) => op.outcome === 'ok').length, readable: [], unreadable: [] };
  });
  const now = Date.now();
  const report = buildReport({
    scenario: { name: state.scenario.name, file: state.scenario.file, tier: state.scenario.tier },
    run: state.run,
    mode: 'drill',
    startedAt: interruption.startedAtMs ?? now,
    finishedAt: now,
    faults: faultEvents(readJournal(state.run)),
    services: [],
    incomplete,
    slos: [],
    notes: [`nothing was judged: ${why}`],
  });
  writeReportFiles(reportDir, report, history.ops, { readAtMs: now, services: [] }, options);
  return report;
}
