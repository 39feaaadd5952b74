// GitHub Actions shows the Markdown a step appends to $GITHUB_STEP_SUMMARY on
// the run's page. `drill`, `check` and `compare` append theirs when the
// variable is set, so a CI job needs no extra step to show the verdict.
import { appendFileSync, statSync } from 'node:fs';
import type { Context } from './context.js';

export const STEP_SUMMARY_ENV = 'GITHUB_STEP_SUMMARY';

/** GitHub drops a step's whole summary, with only an error annotation, when its file is over 1 MiB. */
export const STEP_SUMMARY_LIMIT_BYTES = 1024 * 1024;

/** Room left under the limit for what the job's own lines add to the same step's summary. */
export const STEP_SUMMARY_RESERVE_BYTES = 16 * 1024;

/**
 * The Markdown as it fits in `budgetBytes`: whole if it does, else cut at the
 * last line that fits (never inside a line, so never inside a UTF-8
 * character) and ended by a line naming the file that holds all of it.
 * Empty when not even that line fits.
 */
export function fitSummary(markdown: string, budgetBytes: number, fullReport: string): string {
  const text = markdown.endsWith('\n') ? markdown : markdown + '\n';
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= budgetBytes) return text;
  const note = `\n> ✂️ Cut to stay under GitHub's 1 MiB step summary limit: read the whole of it in \`${fullReport.replace(/`/g, "'")}\`.\n`;
  const room = budgetBytes - Buffer.byteLength(note);
  if (room < 0) return '';
  const lastNewline = room === 0 ? -1 : bytes.lastIndexOf(0x0a, room - 1);
  return bytes.subarray(0, lastNewline + 1).toString('utf8') + note;
}

export type StepSummaryOutcome = 'not set' | 'appended' | 'truncated' | 'no room' | 'failed';

export interface AppendOptions {
  env?: NodeJS.ProcessEnv;
  /** The file's size is kept at or under this many bytes (default: 1 MiB less the reserve). */
  maxFileBytes?: number;
  warn: (text: string) => void;
}

/**
 * Appends to the file $GITHUB_STEP_SUMMARY names, never overwriting what the
 * step wrote there before, keeping the file under GitHub's limit. A summary
 * that cannot be written is a warning: the drill's verdict and exit code stand.
 */
export function appendStepSummary(markdown: string, fullReport: string, options: AppendOptions): StepSummaryOutcome {
  const file = (options.env ?? process.env)[STEP_SUMMARY_ENV];
  if (file === undefined || file === '') return 'not set';
  const max = options.maxFileBytes ?? STEP_SUMMARY_LIMIT_BYTES - STEP_SUMMARY_RESERVE_BYTES;
  try {
    const existing = sizeOf(file);
    // A blank line keeps this summary's first heading from running on from the last one's text.
    const separator = existing > 0 ? '\n' : '';
    const fitted = fitSummary(markdown, max - existing - separator.length, fullReport);
    if (fitted === '') {
      options.warn(`The job summary was not written: ${file} already holds ${existing} bytes, near GitHub's 1 MiB limit. The full report is ${fullReport}.`);
      return 'no room';
    }
    appendFileSync(file, separator + fitted);
    return fitted === (markdown.endsWith('\n') ? markdown : markdown + '\n') ? 'appended' : 'truncated';
  } catch (error) {
    options.warn(`Could not append the job summary to ${file} (${STEP_SUMMARY_ENV}): ${(error as Error).message}. The verdict stands; the full report is ${fullReport}.`);
    return 'failed';
  }
}

function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return 0;
    throw error;
  }
}

/**
 * The CLI's way to append: a warning goes to stderr even under --json (stdout
 * stays one JSON document), since a summary silently missing from a CI page
 * is worth a line in the log.
 */
export function appendCliStepSummary(c: Context, markdown: string, fullReport: string): StepSummaryOutcome {
  return appendStepSummary(markdown, fullReport, {
    warn: (text) => {
      c.output.stopSpinner();
      process.stderr.write(`${c.output.color.yellow('!')} ${text}\n`);
    },
  });
}
