// `hadrill check --from DIR`: a saved drill checked again from its report
// directory alone (history.jsonl, final-state.json, check-input.json), with
// this hadrill's checker: no Docker, no run.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HadrillError } from '../core/errors.js';
import type { FinalState } from '../core/history.js';
import { parseSavedHistory } from '../core/report/load-report.js';
import type { Report } from '../core/report/report-model.js';
import { recheck, SAVED_CHECK_VERSION, type SavedCheck } from '../core/report/saved-check.js';
import type { Slo } from '../core/scenario/scenario.js';
import { readLinesSync } from '../file-lines.js';
import { writeReportFiles } from './check-run.js';

export function recheckDir(from: string, reportDir: string, options: { slo?: (saved: Slo) => Slo; force?: boolean }): Report {
  const path = (name: string): string => join(from, name);
  for (const name of ['check-input.json', 'final-state.json', 'history.jsonl']) {
    if (!existsSync(path(name))) {
      throw new HadrillError('usage', `${path(name)} is missing: ${from} cannot be checked again.`, {
        hint: name === 'check-input.json' ? 'Only report directories written by a drill or `hadrill check` of this version or later hold check-input.json.' : 'Pass the whole directory a drill or `hadrill check --report-dir` wrote.',
      });
    }
  }
  const saved = readJson<SavedCheck>(path('check-input.json'));
  if (saved.schemaVersion !== SAVED_CHECK_VERSION) {
    throw new HadrillError('usage', `${path('check-input.json')} has schemaVersion ${String(saved.schemaVersion)}; this hadrill reads ${SAVED_CHECK_VERSION}.`, { hint: 'Check it again with the hadrill that wrote it.' });
  }
  const finalState = readJson<FinalState>(path('final-state.json'));
  const history = parseSavedHistory(readLinesSync(path('history.jsonl')));
  const report = recheck(saved, history, finalState, {
    ...(options.slo ? { slo: options.slo(saved.slo) } : {}),
    note: `checked again from ${from} by \`hadrill check --from\` at ${new Date().toISOString()}`,
  });
  writeReportFiles(reportDir, report, history, finalState, { force: Boolean(options.force) }, saved);
  return report;
}

function readJson<T>(file: string): T {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch (error) {
    throw new HadrillError('usage', `${file} is not valid JSON (${(error as Error).message}).`, { hint: 'Pass the directory a drill wrote, unchanged.' });
  }
}
