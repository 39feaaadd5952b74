import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { readLinesSync } from '../../file-lines.js';
import { basename, dirname, extname, join } from 'node:path';
import type { Command } from 'commander';
import { HadrillError } from '../../core/errors.js';
import { parseReport } from '../../core/report/load-report.js';
import type { Report } from '../../core/report/report-model.js';
import { renderHtml } from '../../core/report/render-html.js';
import { renderJunit } from '../../core/report/render-junit.js';
import { renderMarkdown } from '../../core/report/render-markdown.js';
import type { ContextFactory } from './index.js';
import { writeFileAtomic } from '../../engine/atomic-file.js';

const FORMATS = ['html', 'md', 'junit', 'json'] as const;
type Format = (typeof FORMATS)[number];

const BY_EXTENSION: Record<string, Format> = { '.html': 'html', '.htm': 'html', '.md': 'md', '.xml': 'junit', '.json': 'json' };

export interface SavedReport {
  report: Report;
  /** The report.json that was read. */
  file: string;
  /** The directory around it, where history.jsonl and final-state.json live. */
  dir: string;
}

/** A report directory, or a report.json file, read and validated. */
export function readSavedReport(path: string): SavedReport {
  let isDir: boolean;
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    throw new HadrillError('usage', `No report at ${path}: no such file or directory.`, {
      hint: 'Pass the directory a drill or check wrote with --report-dir (it holds report.json), or a report.json file.',
    });
  }
  const file = isDir ? join(path, 'report.json') : path;
  const dir = isDir ? path : dirname(path);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new HadrillError('usage', `Cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}.`, {
      hint: isDir
        ? `${path} is not a report directory: a drill or \`hadrill check --report-dir ${path}\` writes report.json there.`
        : 'Pass a report directory or its report.json.',
    });
  }
  const history = join(dir, 'history.jsonl');
  return { report: parseReport(text, file, existsSync(history) ? () => readLinesSync(history) : null), file, dir };
}

export function renderReport(report: Report, format: Format): string {
  switch (format) {
    case 'html':
      return renderHtml(report);
    case 'md':
      return renderMarkdown(report);
    case 'junit':
      return renderJunit(report);
    case 'json':
      return JSON.stringify(report, null, 2) + '\n';
  }
}

export function registerReport(program: Command, ctx: ContextFactory): void {
  program
    .command('report')
    .description('render a saved report (a --report-dir of a drill or check) again, as HTML, Markdown, JUnit XML or JSON; needs no Docker')
    .argument('<dir>', 'report directory (holding report.json), or a report.json file')
    .option('-f, --format <format>', `output format: ${FORMATS.join(', ')} (default: from the -o file's extension, else md)`)
    .option('-o, --output <file>', 'write to this file instead of stdout')
    .addHelpText(
      'after',
      '\nExamples:\n  hadrill report reports/hot-standby -o hot-standby.html\n  hadrill report reports/hot-standby --format junit > junit.xml\n\nExit code: 0 when the report was rendered (whatever its verdict), 2 when it is missing or malformed.',
    )
    .action((path: string, opts: { format?: string; output?: string }) => {
      const c = ctx();
      const format = chooseFormat(opts.format, opts.output, c.output.json);
      const { report } = readSavedReport(path);
      const text = renderReport(report, format);
      if (opts.output === undefined) {
        if (c.output.json && format !== 'json') {
          throw new HadrillError('usage', `--json prints only JSON, but --format ${format} was asked for on stdout.`, { hint: 'Drop --json, or write the file with -o FILE.' });
        }
        process.stdout.write(text);
        return;
      }
      try {
        mkdirSync(dirname(opts.output), { recursive: true });
        // Replaced whole, and never through a symbolic link planted at its name.
        writeFileAtomic(opts.output, text);
      } catch (error) {
        if (error instanceof HadrillError) throw error;
        throw new HadrillError('usage', `Cannot write ${opts.output}: ${(error as Error).message}.`, { hint: 'Choose a writable path with -o.' });
      }
      if (c.output.json) c.output.printJson({ file: opts.output, format, bytes: Buffer.byteLength(text), verdict: report.verdict });
      else c.output.print(`Wrote ${opts.output} (${format}, ${formatBytes(Buffer.byteLength(text))}) from ${basename(path)}: ${report.scenario.name}, ${report.verdict.toUpperCase()}`);
    });
}

function chooseFormat(given: string | undefined, output: string | undefined, json: boolean): Format {
  if (given !== undefined) {
    const format = given.toLowerCase() === 'markdown' ? 'md' : given.toLowerCase() === 'xml' ? 'junit' : given.toLowerCase();
    if (!(FORMATS as readonly string[]).includes(format)) {
      throw new HadrillError('usage', `Unknown report format "${given}".`, { hint: `Use one of: ${FORMATS.join(', ')}.` });
    }
    return format as Format;
  }
  if (output !== undefined) {
    const byExt = BY_EXTENSION[extname(output).toLowerCase()];
    if (byExt !== undefined) return byExt;
  }
  return json ? 'json' : 'md';
}

function formatBytes(n: number): string {
  return n < 1024 ? `${n} B` : `${(n / 1024).toFixed(n < 10_240 ? 1 : 0)} kB`;
}
