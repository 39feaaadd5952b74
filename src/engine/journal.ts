// The fault journal on disk: written before a fault is applied, so `heal` and
// `down` can undo faults after any crash, and `check` knows when each happened.
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JournalEntry } from '../core/journal-model.js';
import { runDir } from './run-store.js';

export function journalFile(run: string): string {
  return join(runDir(run), 'journal.jsonl');
}

export function appendJournal(run: string, entry: JournalEntry): void {
  appendFileSync(journalFile(run), JSON.stringify(entry) + '\n', { mode: 0o600 });
}

export function readJournal(run: string): JournalEntry[] {
  const file = journalFile(run);
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim().length > 0)
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as JournalEntry];
      } catch {
        return []; // a line cut short by a crash
      }
    });
}

