// How a finished check or drill is shown and turned into an exit code.
import type { Report } from '../../core/report/report-model.js';
import { renderSummary } from '../../core/report/render-summary.js';
import type { Context } from '../context.js';

export function finishWithReport(c: Context, report: Report, reportDir: string): void {
  if (c.output.json) c.output.printJson(report);
  else {
    const text = renderSummary(report)
      .replace(/\bFAIL\b/g, c.output.color.red('FAIL'))
      .replace(/\bpass\b/g, c.output.color.green('pass'));
    c.output.print(text);
    c.output.print(`\nReports: ${reportDir}/report.json, history.jsonl, final-state.json, junit.xml, summary.md`);
  }
  process.exitCode = report.verdict === 'pass' ? 0 : 1;
}
