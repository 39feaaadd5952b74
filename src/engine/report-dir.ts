// The directories hadrill writes its reports into (--report-dir of drill,
// check and compare). hadrill may run as root next to other users' files:
// it writes only into a directory it makes, or one holding nothing but its
// own reports (an earlier drill's, a repeated drill's run-N folders), unless
// --force says to reuse another; it never writes through a symbolic link
// planted at one of its file names, nor into a report directory that is
// itself a link unless --force; and each file is replaced whole.
import { lstatSync, mkdirSync, readdirSync, readlinkSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { HadrillError } from '../core/errors.js';
import { isTempNameOf, writeFilesAtomic, type FileData } from './atomic-file.js';

/** The files a drill or check writes into its report directory. */
export const REPORT_FILES = ['report.json', 'history.jsonl', 'final-state.json', 'junit.xml', 'summary.md', 'report.html', 'check-input.json'] as const;
/** What a repeated drill adds: its summary beside the run-N folders. */
export const REPEAT_FILE = 'repeat.json';
const OWN_FILES: readonly string[] = [...REPORT_FILES, REPEAT_FILE];
const RUN_FOLDER = /^run-\d+$/;

export interface ReportDirOptions {
  /** Reuse a directory that holds other files, or is a symbolic link to one (--force). */
  force?: boolean;
}

/**
 * Refuses a report directory hadrill must not write into (exit 2), without
 * creating anything: commands call it before they start, so a drill is not
 * run for a report it cannot write. A missing directory is fine.
 */
export function checkReportDir(dir: string, options: ReportDirOptions = {}): void {
  let stat;
  try {
    stat = lstatSync(dir);
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return;
    throw cannotUse(dir, error);
  }
  if (stat.isSymbolicLink()) {
    const target = readlinkSync(dir);
    if (!options.force) {
      throw new HadrillError('usage', `Refusing to write reports into ${dir}: it is a symbolic link (to ${target}).`, {
        hint: `Pass the directory it points at as --report-dir, or --force to write through the link.`,
      });
    }
    try {
      stat = statSync(dir);
    } catch (error) {
      throw cannotUse(dir, error);
    }
  }
  if (!stat.isDirectory()) throw new HadrillError('usage', `Cannot write reports into ${dir}: it is not a directory.`, { hint: 'Choose a new or empty directory with --report-dir.' });
  const links: string[] = [];
  const foreign: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const name = entry.name;
    if (OWN_FILES.includes(name)) {
      if (entry.isSymbolicLink()) links.push(name);
      else if (!entry.isFile()) foreign.push(name);
    } else if (!(RUN_FOLDER.test(name) && entry.isDirectory()) && !isTempNameOf(name, OWN_FILES)) foreign.push(name);
  }
  if (links.length > 0) {
    const first = links[0]!;
    throw new HadrillError('usage', `Refusing to write reports into ${dir}: ${first} there is a symbolic link (to ${readlinkSync(join(dir, first))}); hadrill never writes through one.`, {
      hint: `Remove ${links.map((l) => join(dir, l)).join(', ')}, or choose another --report-dir.`,
    });
  }
  if (foreign.length > 0 && !options.force) {
    const shown = foreign.sort().slice(0, 5).join(', ') + (foreign.length > 5 ? ` and ${foreign.length - 5} more` : '');
    throw new HadrillError('usage', `Refusing to write reports into ${dir}: it holds files that are not hadrill's reports (${shown}).`, {
      hint: `Choose a new or empty directory with --report-dir, or pass --force to reuse ${dir} (hadrill then replaces only its own report files there: ${REPORT_FILES.join(', ')}).`,
    });
  }
}

/** checkReportDir, then makes the directory (and its parents) when it is missing. */
export function prepareReportDir(dir: string, options: ReportDirOptions = {}): void {
  checkReportDir(dir, options);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw cannotUse(dir, error);
  }
}

/** Writes files into a report directory, each whole, after checking the directory again (time has passed since the command started). */
export function writeIntoReportDir(dir: string, files: readonly { name: string; data: FileData }[], options: ReportDirOptions = {}): void {
  prepareReportDir(dir, options);
  writeFilesAtomic(files.map(({ name, data }) => ({ file: join(dir, name), data })));
}

function cannotUse(dir: string, error: unknown): HadrillError {
  return new HadrillError('usage', `Cannot write reports into ${dir}: ${(error as Error).message}.`, { hint: 'Choose a writable directory with --report-dir.', cause: error });
}
