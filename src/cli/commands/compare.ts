import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { HadrillError } from '../../core/errors.js';
import type { FinalState } from '../../core/history.js';
import { compareRows, renderCompareHtml, renderCompareMarkdown, renderCompareText, type CompareInput } from '../../core/report/compare.js';
import { readSavedReport, type SavedReport } from './report.js';
import { drill } from '../../engine/drill.js';
import { untilInterrupted } from '../interrupt.js';
import { imageTag } from '../../images/image-spec.js';
import type { Scenario } from '../../core/scenario/scenario.js';
import { readScenarioFile, type Context } from '../context.js';
import type { ContextFactory } from './index.js';
import { checkReportDir } from '../../engine/report-dir.js';
import {
  DEFAULT_MAX_LOST_INCREASE,
  DEFAULT_MAX_RTO_INCREASE,
  gateBaseline,
  parseLostTolerance,
  parseRtoTolerance,
  renderGateMarkdown,
  renderGateText,
  type GateTolerances,
} from '../../core/report/baseline-gate.js';
import { appendCliStepSummary } from '../step-summary.js';

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
    .option('--baseline <dir>', 'regression gate: judge the one <report> against this saved drill (a report directory or report.json), per service; exit 1 when one got worse beyond the tolerances')
    .option('--max-rto-increase <d>', `with --baseline: how much longer an RTO may get, a duration (2s, 500ms) or a share of the baseline's RTO (20%) (default: ${DEFAULT_MAX_RTO_INCREASE})`)
    .option('--max-lost-increase <n>', `with --baseline: how many more writes may be lost, a whole number or a share of the baseline's (5%) (default: ${DEFAULT_MAX_LOST_INCREASE})`)
    .addHelpText(
      'after',
      '\nExamples:\n  hadrill compare scenarios/hot-standby.yaml scenarios/hot-standby-semisync.yaml   drills both, then compares\n  hadrill compare out/async out/semisync                                          compares saved drills\n' +
        '  hadrill compare --baseline baseline/ scenarios/hot-standby.yaml                 drills, then gates against a saved drill\n' +
        '\nWith --baseline, exit code: 0 when no service got worse beyond the tolerances, 1 when one did (or stopped recovering, or is missing), 2 on bad input.\n' +
        'With $GITHUB_STEP_SUMMARY set, the Markdown table (or gate result) is appended to that file.',
    )
    .action(async (given: string[], opts: { format: string; reportDir: string; force?: boolean; baseline?: string; maxRtoIncrease?: string; maxLostIncrease?: string }) => {
      const c = ctx();
      const format = opts.format.toLowerCase() === 'markdown' ? 'md' : opts.format.toLowerCase();
      if (!(FORMATS as readonly string[]).includes(format)) {
        throw new HadrillError('usage', `Unknown compare format "${opts.format}".`, { hint: `Use one of: ${FORMATS.join(', ')} (or --json).` });
      }
      const tolerances = gateOptions(opts, given, format);
      // A missing or malformed baseline is found before a drill, not after it.
      const baseline = tolerances === null ? null : readSavedReport(opts.baseline as string);
      // Scenario arguments are drilled first, one after the other, each into its own report folder.
      const scenarios = given.filter((p) => /\.ya?ml$/i.test(p)).map((p) => readScenarioFile(p));
      const force = Boolean(opts.force);
      for (const scenario of scenarios) checkReportDir(join(opts.reportDir, scenario.name), { force });
      // Ctrl-C stops the comparison as it stops a drill: the drill under way heals and removes what it made, no later one starts.
      const paths = await untilInterrupted('The comparison', false, async (signal) => {
        const done: string[] = [];
        for (const p of given) {
          if (!/\.ya?ml$/i.test(p)) {
            done.push(p);
            continue;
          }
          const scenario = scenarios.shift() as Scenario;
          const reportDir = join(opts.reportDir, scenario.name);
          c.output.events({ type: 'info', text: `Drilling ${p} for the comparison (reports in ${reportDir})` });
          await drill({ scenario, runtime: c.runtime, ownImageTag: imageTag(), reportDir, force, keep: false, slo: scenario.slo, emit: c.output.events, signal });
          done.push(reportDir);
        }
        return done;
      });
      if (tolerances !== null && baseline !== null) return gate(c, { source: opts.baseline as string, ...baseline }, paths[0] as string, tolerances, format);
      const saved = paths.map((p) => ({ source: p, ...readSavedReport(p) }));
      const inputs: CompareInput[] = saved.map((s) => ({ source: s.source, report: s.report, nodeCount: nodeCount(join(s.dir, 'final-state.json')) }));
      const rows = compareRows(inputs);
      if (c.output.json) c.output.printJson({ rows });
      else {
        const render = { text: renderCompareText, md: renderCompareMarkdown, html: renderCompareHtml }[format as Format];
        process.stdout.write(render(rows));
      }
      appendCliStepSummary(c, renderCompareMarkdown(rows), saved.map((s) => s.file).join(', '));
    });
}

/** The gate's tolerances when --baseline is given (checked before any drill starts), else null. */
function gateOptions(opts: { baseline?: string; maxRtoIncrease?: string; maxLostIncrease?: string }, given: readonly string[], format: string): GateTolerances | null {
  if (opts.baseline === undefined) {
    const stray = opts.maxRtoIncrease !== undefined ? '--max-rto-increase' : opts.maxLostIncrease !== undefined ? '--max-lost-increase' : null;
    if (stray !== null) throw new HadrillError('usage', `${stray} is a tolerance of the regression gate, and no --baseline was given.`, { hint: 'Add --baseline DIR (a saved drill\'s report directory), or drop the tolerance.' });
    return null;
  }
  if (given.length !== 1) {
    throw new HadrillError('usage', `--baseline judges one drill against the baseline, and ${given.length} were given (${given.join(', ')}).`, {
      hint: 'Pass one report directory or scenario file after --baseline DIR; run compare once per drill to gate several.',
    });
  }
  if (/\.ya?ml$/i.test(opts.baseline)) {
    throw new HadrillError('usage', `--baseline ${opts.baseline}: a baseline is a saved drill, not a scenario.`, { hint: 'Pass the report directory (or report.json) of an earlier drill, e.g. one a CI job kept as an artifact.' });
  }
  if (format === 'html') throw new HadrillError('usage', '--baseline prints its table as text or md, not html.', { hint: 'Use --format text or --format md (or --json).' });
  return {
    rto: parseRtoTolerance(opts.maxRtoIncrease ?? DEFAULT_MAX_RTO_INCREASE),
    lost: parseLostTolerance(opts.maxLostIncrease ?? DEFAULT_MAX_LOST_INCREASE),
  };
}

function gate(c: Context, baseline: SavedReport & { source: string }, currentPath: string, tolerances: GateTolerances, format: string): void {
  const current = readSavedReport(currentPath);
  const result = gateBaseline({ baseline: { source: baseline.source, report: baseline.report }, current: { source: currentPath, report: current.report }, tolerances });
  if (c.output.json) c.output.printJson(result);
  else {
    for (const w of result.warnings) c.output.events({ type: 'warn', text: w });
    process.stdout.write(format === 'md' ? renderGateMarkdown(result) : renderGateText(result));
  }
  appendCliStepSummary(c, renderGateMarkdown(result), current.file);
  process.exitCode = result.verdict === 'pass' ? 0 : 1;
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
