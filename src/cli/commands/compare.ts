import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { HadrillError } from '../../core/errors.js';
import type { FinalState } from '../../core/history.js';
import { compareRows, renderCompareHtml, renderCompareMarkdown, renderCompareText, type CompareInput } from '../../core/report/compare.js';
import { readSavedReport } from './report.js';
import type { ContextFactory } from './index.js';

const FORMATS = ['text', 'md', 'html'] as const;
type Format = (typeof FORMATS)[number];

export function registerCompare(program: Command, ctx: ContextFactory): void {
  program
    .command('compare')
    .description('the tier trade-off table from saved drill reports: RTO, lost writes, write latency, conflicts, divergence, nodes used')
    .argument('<reports...>', 'report directories (a drill\'s --report-dir) or report.json files')
    .option('-f, --format <format>', `output format: ${FORMATS.join(', ')}`, 'text')
    .addHelpText(
      'after',
      '\nExample:\n  hadrill drill scenarios/hot-standby.yaml --report-dir out/async\n  hadrill drill scenarios/hot-standby-semisync.yaml --report-dir out/semisync\n  hadrill compare out/async out/semisync',
    )
    .action((paths: string[], opts: { format: string }) => {
      const c = ctx();
      const format = opts.format.toLowerCase() === 'markdown' ? 'md' : opts.format.toLowerCase();
      if (!(FORMATS as readonly string[]).includes(format)) {
        throw new HadrillError('usage', `Unknown compare format "${opts.format}".`, { hint: `Use one of: ${FORMATS.join(', ')} (or --json).` });
      }
      for (const p of paths) {
        if (/\.ya?ml$/i.test(p)) {
          throw new HadrillError('usage', `${p} is a scenario; compare reads the reports drills write.`, {
            hint: `Run \`hadrill drill ${p} --report-dir DIR\` first and pass DIR to compare.`,
          });
        }
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
