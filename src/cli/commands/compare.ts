import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { HadrillError } from '../../core/errors.js';
import type { FinalState } from '../../core/history.js';
import { compareRows, renderCompareHtml, renderCompareMarkdown, renderCompareText, type CompareInput } from '../../core/report/compare.js';
import { readSavedReport } from './report.js';
import { drill } from '../../engine/drill.js';
import { imageTag } from '../../images/image-spec.js';
import type { Scenario } from '../../core/scenario/scenario.js';
import { readScenarioFile } from '../context.js';
import type { ContextFactory } from './index.js';
import { checkReportDir } from '../../engine/report-dir.js';

const FORMATS = ['text', 'md', 'html'] as const;
type Format = (typeof FORMATS)[number];

export function registerCompare(program: Command, ctx: ContextFactory): void {
  program
    .command('compare')
    .description('the tier trade-off table from saved drill reports: RTO, lost writes, write latency, conflicts, divergence, nodes used')
    .argument('<reports...>', 'report directories (a drill\'s --report-dir), report.json files, or scenario files to drill first')
    .option('-f, --format <format>', `output format: ${FORMATS.join(', ')}`, 'text')
    .option('--report-dir <dir>', 'where drills of scenario arguments write their reports (one folder per scenario)', 'hadrill-compare')
    .option('--force', 'let those drills write into report folders that hold other files too (only the report files are replaced)')
    .addHelpText(
      'after',
      '\nExamples:\n  hadrill compare scenarios/hot-standby.yaml scenarios/hot-standby-semisync.yaml   drills both, then compares\n  hadrill compare out/async out/semisync                                          compares saved drills',
    )
    .action(async (given: string[], opts: { format: string; reportDir: string; force?: boolean }) => {
      const c = ctx();
      const format = opts.format.toLowerCase() === 'markdown' ? 'md' : opts.format.toLowerCase();
      if (!(FORMATS as readonly string[]).includes(format)) {
        throw new HadrillError('usage', `Unknown compare format "${opts.format}".`, { hint: `Use one of: ${FORMATS.join(', ')} (or --json).` });
      }
      // Scenario arguments are drilled first, one after the other, each into its own report folder.
      const scenarios = given.filter((p) => /\.ya?ml$/i.test(p)).map((p) => readScenarioFile(p));
      const force = Boolean(opts.force);
      for (const scenario of scenarios) checkReportDir(join(opts.reportDir, scenario.name), { force });
      const paths: string[] = [];
      for (const p of given) {
        if (!/\.ya?ml$/i.test(p)) {
          paths.push(p);
          continue;
        }
        const scenario = scenarios.shift() as Scenario;
        const reportDir = join(opts.reportDir, scenario.name);
        c.output.events({ type: 'info', text: `Drilling ${p} for the comparison (reports in ${reportDir})` });
        await drill({ scenario, runtime: c.runtime, ownImageTag: imageTag(), reportDir, force, keep: false, slo: scenario.slo, emit: c.output.events });
        paths.push(reportDir);
      }
      const inputs: CompareInput[] = paths.map((p) => {
        const saved = readSavedReport(p);
        return { source: p, report: saved.report, nodeCount: nodeCount(join(saved.dir, 'final-state.json')) };
      });
      const rows = compareRows(inputs);
      if (c.output.json) return c.output.printJson({ rows });
      const render = { text: renderCompareText, md: renderCompareMarkdown, html: renderCompareHtml }[format as Format];
      process.stdout.write(render(rows));
    });
}

/** Distinct nodes the drill's final read knew of (in service, out of service or unreadable); null without the file. */
export function nodeCount(file: string): number | null {
  if (!existsSync(file)) return null;
  let state: Partial<FinalState>;
  try {
    state = JSON.parse(readFileSync(file, 'utf8')) as Partial<FinalState>;
  } catch {
    return null;
  }
  if (!Array.isArray(state.services)) return null;
  const nodes = new Set<string>();
  for (const s of state.services) {
    for (const n of [...(s.nodes ?? []), ...(s.outOfService ?? []), ...(s.unreadable ?? [])]) if (typeof n?.node === 'string') nodes.add(n.node);
  }
  return nodes.size;
}
