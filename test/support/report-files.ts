// Reads a drill's report directory back, typed, for assertions.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FinalState, OpRecord } from '../../src/core/history.js';
import type { Report } from '../../src/core/report/report-model.js';

export interface ReportFiles {
  report: Report;
  history: OpRecord[];
  finalState: FinalState;
}

export function readReportDir(dir: string): ReportFiles {
  return {
    report: JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as Report,
    history: readFileSync(join(dir, 'history.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as OpRecord),
    finalState: JSON.parse(readFileSync(join(dir, 'final-state.json'), 'utf8')) as FinalState,
  };
}

/** The ids of the acknowledged writes (reads are not in the final state). */
export function acknowledgedIds(history: OpRecord[], service: 'mysql' | 'redis'): Set<string> {
  return new Set(history.filter((op) => op.service === service && op.kind === 'write' && op.outcome === 'ok').map((op) => op.id));
}

export function difference(a: Set<string>, b: Set<string>): string[] {
  return [...a].filter((x) => !b.has(x)).sort();
}
