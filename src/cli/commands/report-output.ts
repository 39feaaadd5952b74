// How a finished check or drill is shown and turned into an exit code.
import type { Report } from '../../core/report/report-model.js';
import { renderSummary } from '../../core/report/render-summary.js';
import type { Context } from '../context.js';
import { REPEAT_FILE, writeIntoReportDir } from '../../engine/report-dir.js';
import { formatMs } from '../../core/duration.js';
import { alignTable } from '../../core/report/render-summary.js';
import type { RepeatSummary } from '../../core/report/repeat-summary.js';
import { renderMarkdown } from '../../core/report/render-markdown.js';
import { renderRepeatMarkdown } from '../../core/report/render-repeat-markdown.js';
import { appendCliStepSummary } from '../step-summary.js';
import { join } from 'node:path';

export function finishWithReport(c: Context, report: Report, reportDir: string): void {
  if (c.output.json) c.output.printJson(report);
  else {
    const text = renderSummary(report)
      .replace(/\b(FAIL|INCOMPLETE|NOT CHECKED)\b/g, (word) => c.output.color.red(word))
      .replace(/\bpass\b/g, c.output.color.green('pass'));
    c.output.print(text);
    c.output.print(`\nReports: ${reportDir}/report.json, report.html, history.jsonl, final-state.json, junit.xml, summary.md`);
  }
  // The same Markdown as summary.md, for the CI run's page.
  appendCliStepSummary(c, renderMarkdown(report), join(reportDir, 'summary.md'));
  // A service that could not be checked is no SLO verdict: it is the set-up error exit code.
  process.exitCode = report.verdict === 'pass' ? 0 : report.verdict === 'fail' ? 1 : 2;
}

export function finishWithRepeats(c: Context, summary: RepeatSummary, reportDir: string, force = false): void {
  writeIntoReportDir(reportDir, [{ name: REPEAT_FILE, data: JSON.stringify(summary, null, 2) + '\n' }], { force });
  if (c.output.json) c.output.printJson(summary);
  else {
    const fmt = (v: number | null, ms: boolean): string => (v === null ? '-' : ms ? formatMs(v) : String(v));
    const rows = summary.services.map((s) => [
      s.name,
      `${fmt(s.rtoMs.min, true)} / ${fmt(s.rtoMs.median, true)} / ${fmt(s.rtoMs.max, true)}`,
      `${fmt(s.lostWrites.min, false)} / ${fmt(s.lostWrites.median, false)} / ${fmt(s.lostWrites.max, false)}`,
      String(s.notRecovered),
    ]);
    c.output.print(`${summary.runs} drills, ${summary.passed} passed every SLO; gate ${summary.gate}:`);
    c.output.print(alignTable([['service', 'RTO min / median / max', 'lost min / median / max', 'not recovered'], ...rows], new Set()).join('\n'));
    const verdict = summary.verdict === 'pass' ? c.output.color.green('PASS') : c.output.color.red('FAIL');
    c.output.print(`\nverdict: ${verdict}   reports: ${reportDir}/run-*/, ${reportDir}/repeat.json`);
  }
  appendCliStepSummary(c, renderRepeatMarkdown(summary, reportDir), join(reportDir, 'repeat.json'));
  process.exitCode = summary.verdict === 'pass' ? 0 : 1;
}
