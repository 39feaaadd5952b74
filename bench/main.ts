// `npm run bench`: runs the benchmark sections, prints every figure beside its
// baseline and goal, and writes them into bench/RESULTS.md with the machine
// and the date. Each section has its own block there, replaced when the
// section runs again and kept when it does not, so `--only` refreshes some
// figures without losing the others.
//
//   node dist/bench/main.js                 the sections that need no Docker
//   node dist/bench/main.js --only scale    some sections, by name (comma-separated)
//   node dist/bench/main.js --all           every section, Docker ones too
//   --results FILE                          write there instead of bench/RESULTS.md
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { packageRoot } from '../src/package-paths.js';
import { describeMachine, loadLine, machineLine } from './machine.js';
import type { BenchRow, BenchSection } from './section.js';

/** Every section, in the order RESULTS.md lists them; a new one is added here. */
const SECTIONS: (() => Promise<BenchSection[]>)[] = [
  async () => [(await import('./checker-bench.js')).checkerSection],
  async () => [(await import('./scale-bench.js')).scaleSection],
  async () => (await import('./docker-bench.js')).dockerSections,
  async () => [(await import('./wan-bench.js')).wanSection],
];

interface Options {
  only: string[] | null;
  all: boolean;
  results: string;
}

function parseArgs(argv: readonly string[]): Options {
  const options: Options = { only: null, all: false, results: join(packageRoot(), 'bench', 'RESULTS.md') };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--only') options.only = (argv[++i] ?? '').split(',').filter(Boolean);
    else if (arg.startsWith('--only=')) options.only = arg.slice('--only='.length).split(',').filter(Boolean);
    else if (arg === '--all') options.all = true;
    else if (arg === '--results') options.results = argv[++i] ?? options.results;
    else throw new Error(`unknown argument ${arg}: use --only NAME,..., --all or --results FILE`);
  }
  return options;
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const sections = (await Promise.all(SECTIONS.map((load) => load()))).flat();
  const unknown = (options.only ?? []).filter((name) => !sections.some((s) => s.name === name));
  if (unknown.length > 0) throw new Error(`no section ${unknown.join(', ')}; there are ${sections.map((s) => s.name).join(', ')}`);
  const chosen = sections.filter((s) => (options.only ? options.only.includes(s.name) : options.all || !s.docker));
  const machine = describeMachine();
  console.log(`hadrill benchmarks on ${machineLine(machine)}: ${chosen.map((s) => s.name).join(', ')}`);
  const blocks = new Map<string, string>();
  for (const section of chosen) {
    console.log(`\n== ${section.name}: ${section.title}`);
    const startLoad = loadLine();
    const t0 = performance.now();
    const rows = await section.run({ log: (line) => console.log(`  ${line}`) });
    const seconds = (performance.now() - t0) / 1000;
    console.log('');
    console.log(textTable(rows));
    const when = `${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`;
    blocks.set(section.name, sectionBlock(section, rows, `Measured ${when} on ${machineLine(machine)}; load average ${startLoad} at the start, ${loadLine()} at the end; the section took ${Math.round(seconds)} s.`));
  }
  const previous = existsSync(options.results) ? readFileSync(options.results, 'utf8') : '';
  writeFileSync(options.results, resultsFile(sections, blocks, previous));
  console.log(`\nwrote ${options.results}`);
}

const HEADER = `# hadrill benchmark results

Written by \`npm run bench\` (bench/main.ts). Each section below is replaced
when it runs again (\`npm run bench -- --only NAME\`) and says when and on
what machine it was measured. Baselines are the same job done the naive way,
or the same measure before a change (the commit is named). A goal not met
is stated under its table with the measured number and the reason.
`;

/** RESULTS.md: the header, then every section's block in SECTIONS order, fresh ones from this run and the rest as they were. */
function resultsFile(sections: readonly BenchSection[], fresh: ReadonlyMap<string, string>, previous: string): string {
  const kept = new Map<string, string>();
  for (const m of previous.matchAll(/<!-- section:(\w+) -->[\s\S]*?<!-- \/section:\1 -->/g)) kept.set(m[1]!, m[0]);
  const ordered = sections.map((s) => fresh.get(s.name) ?? kept.get(s.name)).filter((b): b is string => b !== undefined);
  return [HEADER, ...ordered].join('\n') + '\n';
}

function sectionBlock(section: BenchSection, rows: readonly BenchRow[], measured: string): string {
  const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const met = (r: BenchRow): string => (r.met === null ? '' : r.met ? 'yes' : '**no**');
  const lines = [
    `<!-- section:${section.name} -->`,
    `## ${section.title}`,
    '',
    measured,
    '',
    '| Figure | Measured | Baseline | Goal | Met | Note |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows.map((r) => `| ${cell(r.figure)} | ${cell(r.measured)} | ${cell(r.baseline)} | ${cell(r.goal)} | ${met(r)} | ${cell(r.note ?? '')} |`),
  ];
  const missed = rows.filter((r) => r.met === false);
  if (missed.length > 0) {
    lines.push('', 'Goals not met:', '');
    for (const r of missed) lines.push(`- ${r.figure}: measured ${r.measured}, goal ${r.goal}. ${r.note ?? '(no reason given)'}`);
  }
  lines.push(`<!-- /section:${section.name} -->`, '');
  return lines.join('\n');
}

function textTable(rows: readonly BenchRow[]): string {
  const cells = [['figure', 'measured', 'baseline', 'goal', 'met'], ...rows.map((r) => [r.figure, r.measured, r.baseline, r.goal, r.met === null ? '' : r.met ? 'yes' : 'NO'])];
  const widths = cells[0]!.map((_, i) => Math.min(60, Math.max(...cells.map((c) => c[i]!.length))));
  const notes = rows.map((r, i) => (r.note ? `  [${i + 1}] ${r.note}` : '')).filter(Boolean);
  return [...cells.map((c) => c.map((x, i) => x.padEnd(widths[i]!)).join('  ').trimEnd()), ...(notes.length > 0 ? ['', ...notes] : [])].join('\n');
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
