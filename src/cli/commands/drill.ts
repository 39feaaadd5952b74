import type { Command } from 'commander';
import { HadrillError } from '../../core/errors.js';
import { drill } from '../../engine/drill.js';
import { imageTag } from '../../images/image-spec.js';
import { mergeSlos, readScenarioFile } from '../context.js';
import { finishWithReport } from './report-output.js';
import type { ContextFactory } from './index.js';

export function registerDrill(program: Command, ctx: ContextFactory): void {
  program
    .command('drill')
    .description('a whole drill: up, steady writes, the fault timeline, recovery, heal, settle, final read, check, report, down')
    .argument('<scenario>', 'scenario YAML file')
    .option('--report-dir <dir>', 'where the reports go', 'hadrill-report')
    .option('--keep', 'leave the topology up afterwards (agents keep writing; `hadrill down` removes it)')
    .option('--slo <slo...>', 'add or override SLOs, e.g. --slo rto=10s --slo lostWrites=0')
    .addHelpText(
      'after',
      '\nExit code: 0 when every SLO holds, 1 when one is violated, 2 on bad input or set-up failure, 130 when interrupted.\n' +
        'Example:\n  hadrill drill scenarios/hot-standby-semisync.yaml --report-dir out --slo lostWrites=0',
    )
    .action(async (file: string, opts: { reportDir: string; keep?: boolean; slo?: string[] }) => {
      const scenario = readScenarioFile(file);
      const c = ctx();
      const slo = mergeSlos(scenario.slo, opts.slo);
      const abort = new AbortController();
      const onSignal = (): void => {
        c.output.events({ type: 'warn', text: opts.keep ? 'interrupted; leaving the topology up (--keep)' : 'interrupted; tearing down' });
        abort.abort(new HadrillError('interrupted', 'The drill was interrupted.'));
      };
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      try {
        const report = await drill({
          scenario,
          runtime: c.runtime,
          ownImageTag: imageTag(),
          ...(c.options.run ? { run: c.options.run } : {}),
          reportDir: opts.reportDir,
          keep: Boolean(opts.keep),
          slo,
          emit: c.output.events,
          signal: abort.signal,
        });
        finishWithReport(c, report, opts.reportDir);
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    });
}
