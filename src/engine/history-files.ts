// Reads every agent's history file of a run into one merged history, a block
// at a time: the files of a long drill hold gigabytes, more than one string
// can, and only the merged ops are kept, never the lines.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { mergeHistory, parseHistoryLines, type MergedHistory, type ParsedLine } from '../core/check/merge-history.js';
import { readLinesSync } from '../file-lines.js';
import { historyDir } from './agents-control.js';

/** About the bytes of one agent history line: only a first guess at how many ops to make room for. */
const BYTES_PER_LINE = 120;

export function readRunHistory(run: string): MergedHistory {
  return readHistoryDir(historyDir(run));
}

/** The agents' files in dir (`<client>.jsonl`), merged. */
export function readHistoryDir(dir: string): MergedHistory {
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.jsonl')).sort() : [];
  const bytes = files.reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);
  function* lines(): Generator<ParsedLine> {
    for (const f of files) yield* parseHistoryLines(readLinesSync(join(dir, f)), join(dir, f));
  }
  return mergeHistory(lines(), Math.ceil(bytes / BYTES_PER_LINE));
}
