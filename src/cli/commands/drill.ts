import type { Command } from 'commander';
import { HadrillError } from '../../core/errors.js';
import { drill } from '../../engine/drill.js';
import { imageTag } from '../../images/image-spec.js';
import { mergeSlos, readScenarioFile } from '../context.js';
import { finishWithRepeats, finishWithReport } from './report-output.js';
import { isGate, summarizeRepeats } from '../../core/report/repeat-summary.js';
import type { Report } from '../../core/report/report-model.js';
import { join } from 'node:path';
import type { ContextFactory } from './index.js';
import { checkReportDir } from '../../engine/report-dir.js';
import { confirmAttach } from '../attach-consent.js';
import { DrillMetrics } from '../drill-metrics.js';
import { checkAnnotationFlags, publishAnnotations } from '../../engine/grafana.js';
import { untilInterrupted } from '../interrupt.js';

export function registerDrill(program: Command, ctx: ContextFactory): void {
  program
    .command('drill')
    .description('a whole drill: up, steady writes, the fault timeline, recovery, heal, settle, final read, check, report, down')
    .argument('<scenario>', 'scenario YAML file')
    .option('--report-dir <dir>', 'where the reports go (a new directory, or one holding only hadrill reports)', 'hadrill-report')
    .option('--force', 'write into a --report-dir that holds other files too (only the report files are replaced)')
    .option('--keep', 'leave the topology up afterwards, healed, its workload paused so the nodes hold what the report counted (`hadrill check` checks again and resumes it; `hadrill down` removes it)')
    .option('--slo <slo...>', 'add or override SLOs, e.g. --slo rto=10s --slo lostWrites=0')
    .option('--repeat <n>', 'run the drill n times (reports in DIR/run-1 ...) and report the distribution', '1')
    .option('--gate <gate>', 'with --repeat: worst (every run must pass) or pNN (NN% of runs must pass)', 'worst')
    .option('--yes', 'attach to your containers without asking (needed when not on a terminal)')
    .option('--metrics-listen <addr>', 'serve Prometheus metrics at http://ADDR/metrics while the drill runs (a port alone listens on 127.0.0.1; write 0.0.0.0:PORT to let other machines scrape)')
    .option('--metrics-textfile <file>', "at the end, write the verdict, RTO and lost writes to FILE (*.prom) for node_exporter's textfile collector")
    .option('--annotations-file <file>', "at the end, write the drill's faults, promotions and verdict to FILE as Grafana annotations (a JSON array of POST /api/annotations bodies)")
    .option('--grafana-url <url>', 'at the end, post those annotations to URL/api/annotations (token: $HADRILL_GRAFANA_TOKEN)')
    .option('--pushgateway <url>', 'at the end, push the verdict, RTO and lost writes to a Prometheus Pushgateway (job hadrill, grouped by scenario)')
    .addHelpText(
      'after',
      '\nExit code: 0 when every SLO holds, 1 when one is violated, 2 on bad input or set-up failure, 130 when interrupted (SIGINT), 143 when terminated (SIGTERM): either heals every fault and removes the topology first.\n' +
        'Example:\n  hadrill drill scenarios/hot-standby-semisync.yaml --report-dir out --slo lostWrites=0',
    )
    .action(async (file: string, opts: { reportDir: string; keep?: boolean; slo?: string[]; repeat: string; gate: string; force?: boolean; yes?: boolean; metricsListen?: string; metricsTextfile?: string; pushgateway?: string; annotationsFile?: string; grafanaUrl?: string }) => {
      const scenario = readScenarioFile(file);
      const c = ctx();
      const slo = mergeSlos(scenario.slo, opts.slo);
      const repeat = Number(opts.repeat);
      if (!Number.isInteger(repeat) || repeat < 1 || repeat > 100) throw new HadrillError('usage', `--repeat ${opts.repeat}: a whole number from 1 to 100.`);
      if (!isGate(opts.gate)) throw new HadrillError('usage', `--gate ${opts.gate}: use worst or pNN (e.g. p90).`);
      if (repeat > 1 && opts.keep) throw new HadrillError('usage', '--keep and --repeat do not go together: each repetition starts from a clean topology.');
      // Every directory a report will go to is checked before the first drill starts, not after it ends.
      const force = Boolean(opts.force);
      const reportDirs = repeat === 1 ? [opts.reportDir] : Array.from({ length: repeat }, (_, i) => join(opts.reportDir, `run-${i + 1}`));
      for (const dir of repeat === 1 ? reportDirs : [opts.reportDir, ...reportDirs]) checkReportDir(dir, { force });
      // A bad Grafana URL or annotations directory is exit 2 before anything is created.
      checkAnnotationFlags(opts);
      await confirmAttach(c, scenario, Boolean(opts.yes));
      // Listening before anything is created: a port in use is exit 2 with nothing to clean up.
      const metrics = await DrillMetrics.start(opts, repeat, c.runtime, c.output.events);
      const reports: Report[] = [];
      await untilInterrupted('The drill', Boolean(opts.keep), async (signal) => {
        try {
          for (let i = 1; i <= repeat; i++) {
            const reportDir = reportDirs[i - 1]!;
            if (repeat > 1) c.output.events({ type: 'info', text: `Drill ${i} of ${repeat}` });
            reports.push(
              await drill({
                scenario,
                runtime: c.runtime,
                ownImageTag: imageTag(),
                ...(c.options.run ? { run: c.options.run } : {}),
                reportDir,
                force,
                keep: Boolean(opts.keep),
                slo,
                emit: metrics?.events(c.output.events) ?? c.output.events,
                signal,
                ...(metrics ? { onUp: metrics.onUp } : {}),
              }),
            );
          }
          if (repeat === 1) finishWithReport(c, reports[0] as Report, opts.reportDir);
          else finishWithRepeats(c, summarizeRepeats(reports, opts.gate), opts.reportDir, force);
        } catch (error) {
          await metrics?.abandon(opts.reportDir);
          throw error;
        }
      });
      // Never fails the drill: a Grafana that cannot be reached is a warning.
      if (opts.annotationsFile !== undefined || opts.grafanaUrl !== undefined) {
        await publishAnnotations(reports, { file: opts.annotationsFile, grafanaUrl: opts.grafanaUrl, emit: c.output.events });
      }
      // After the summary, so the verdict is read while Prometheus comes for its last scrape.
      await metrics?.finish(reports[0] as Report);
    });
}
