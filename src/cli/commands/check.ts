import type { Command } from 'commander';
import { mergeSlos } from '../context.js';
import { checkRun } from '../../engine/check-run.js';
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
    .addHelpText('after', '\nA drill by hand:\n  hadrill up scenarios/hot-standby.yaml; hadrill fail idc-a; sleep 20; hadrill heal; hadrill check --report-dir out')
    .action(async (opts: { reportDir: string; slo?: string[]; force?: boolean }) => {
      const force = Boolean(opts.force);
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
