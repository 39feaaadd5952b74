// Appends history lines with a synchronous write each: the kernel keeps them
// even when the agent's container is killed mid-drill, so an acknowledged
// write is never missing from the history.
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { HistoryLine } from '../core/history.js';

export class HistoryWriter {
  private readonly fd: number;

  constructor(file: string) {
    mkdirSync(dirname(file), { recursive: true });
    this.fd = openSync(file, 'a');
  }

  write(line: HistoryLine): void {
    writeSync(this.fd, JSON.stringify(line) + '\n');
  }

  close(): void {
    closeSync(this.fd);
  }
}

/** Wall-clock time with sub-millisecond resolution. */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}
