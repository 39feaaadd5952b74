// `hadrill check --from DIR`: a saved drill checked again from its report
// directory alone (history.jsonl, final-state.json, check-input.json), with
// this hadrill's checker: no Docker, no run. Every file is read a block at a
// time, and the final state's ids share the history's strings: a drill of
// ten million operations is gigabytes of text, more than one string holds,
// and its ops alone take about 2 GB of memory.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { historyIdsOf } from '../core/check/id-index.js';
import { HadrillError } from '../core/errors.js';
import type { FinalState, OpRecord } from '../core/history.js';
import { readSavedHistory } from '../core/report/load-report.js';
import type { Report } from '../core/report/report-model.js';
import { recheck, SAVED_CHECK_VERSION, type SavedCheck } from '../core/report/saved-check.js';
import type { Slo } from '../core/scenario/scenario.js';
import { readJsonFileSync } from '../file-json.js';
import { readLinesSync } from '../file-lines.js';
import { writeReportFiles, type HistoryCopy } from './check-run.js';

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
  const { report, finalState, history } = checkSaved(from, saved, options.slo);
  writeReportFiles(reportDir, report, history, finalState, { force: Boolean(options.force) }, saved);
  return report;
}

/**
 * The check, and what the report directory gets of its inputs. When every
 * line of history.jsonl is an op, the history checked is the file, copied
 * as it is, and the ops are let go before the reports are written: on ten
 * million ops that is a gigabyte and a half the writing need not share.
 */
function checkSaved(from: string, saved: SavedCheck, slo: ((saved: Slo) => Slo) | undefined): { report: Report; finalState: FinalState; history: OpRecord[] | HistoryCopy } {
  const historyFile = join(from, 'history.jsonl');
  const { ops, skipped } = readSavedHistory(readLinesSync(historyFile));
  const finalState = readJson<FinalState>(join(from, 'final-state.json'), historyIdsOf(ops));
  const report = recheck(saved, ops, finalState, {
    ...(slo ? { slo: slo(saved.slo) } : {}),
    note: `checked again from ${from} by \`hadrill check --from\` at ${new Date().toISOString()}`,
  });
  return { report, finalState, history: skipped === 0 ? { copyOf: historyFile } : ops };
}

function readJson<T>(file: string, sharedString?: (s: string) => string | undefined): T {
  try {
    return readJsonFileSync(file, sharedString ? { string: sharedString } : {}) as T;
  } catch (error) {
    throw new HadrillError('usage', `${file} is not valid JSON (${(error as Error).message}).`, { hint: 'Pass the directory a drill wrote, unchanged.' });
  }
}
