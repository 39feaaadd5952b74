import type { Command } from 'commander';
import { mergeSlos } from '../context.js';
import { checkRun } from '../../engine/check-run.js';
import { recheckDir } from '../../engine/recheck.js';
import { requireRunState, resolveRun } from '../../engine/run-store.js';
import { withRunLock } from '../../engine/run-lock.js';
import { finishWithReport } from './report-output.js';
import { checkReportDir } from '../../engine/report-dir.js';
import type { ContextFactory } from './index.js';

export function registerCheck(program: Command, ctx: ContextFactory): void {
  program
    .command('check')
    .description('pause the agents, read the final state of every surviving node, check every acknowledged write, write the report; agents then resume')
    .option('--report-dir <dir>', 'where report.json, history.jsonl and final-state.json go (a new directory, or one holding only hadrill reports)', 'hadrill-report')
    .option('--force', 'write into a --report-dir that holds other files too (only the report files are replaced)')
    .option('--slo <slo...>', 'add or override SLOs, e.g. --slo rto=10s --slo lostWrites=0')
    .option('--from <dir>', 'check a saved drill again from its report directory alone (no Docker, no run), with this hadrill\'s checker; reports go to --report-dir, or back into DIR')
    .addHelpText(
      'after',
      '\nA drill by hand:\n  hadrill up scenarios/hot-standby.yaml; hadrill fail idc-a; sleep 20; hadrill heal; hadrill check --report-dir out\n' +
        'A saved drill checked again (a newer hadrill, or other SLOs):\n  hadrill check --from out --report-dir out-again --slo lostWrites=0',
    )
    .action(async (opts: { reportDir: string; slo?: string[]; force?: boolean; from?: string }, command: Command) => {
      const force = Boolean(opts.force);
      if (opts.from !== undefined) {
        // Back into the directory it came from, unless --report-dir names another.
        const out = command.getOptionValueSource('reportDir') === 'default' ? opts.from : opts.reportDir;
        checkReportDir(out, { force });
        const report = recheckDir(opts.from, out, { slo: (saved) => mergeSlos(saved, opts.slo), force });
        return finishWithReport(ctx(), report, out);
      }
      checkReportDir(opts.reportDir, { force });
      const c = ctx();
      const run = resolveRun(c.options.run);
      const report = await withRunLock(run, 'check', async () => {
        const state = requireRunState(run);
        return checkRun(state, c.runtime, {
          reportDir: opts.reportDir,
          mode: 'manual',
          startedAtMs: Date.parse(state.createdAt),
          slo: mergeSlos(state.scenario.slo, opts.slo),
          emit: c.output.events,
          resume: true,
          force,
        });
      });
      finishWithReport(c, report, opts.reportDir);
    });
}
