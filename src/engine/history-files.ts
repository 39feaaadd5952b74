// Reads every agent's history file of a run into one merged history.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mergeHistory, parseHistoryJsonl, type MergedHistory } from '../core/check/merge-history.js';
import { historyDir } from './agents-control.js';

export function readRunHistory(run: string): MergedHistory {
  const dir = historyDir(run);
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.jsonl')).sort() : [];
  const lines = files.flatMap((f) => parseHistoryJsonl(readFileSync(join(dir, f), 'utf8'), join(dir, f)));
  return mergeHistory(lines);
}
