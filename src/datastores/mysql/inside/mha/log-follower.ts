// Follows a file another process appends to (MHA's log, its hook's calls),
// line by line, from its start, polling: the writer may create it late.
import { closeSync, existsSync, openSync, readSync } from 'node:fs';

const POLL_MS = 100;

export class LogFollower {
  private offset = 0;
  private rest = '';
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly file: string,
    private readonly onLine: (line: string) => void,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.poll(), POLL_MS);
  }

  /** Reads what is left, then stops. */
  stop(): void {
    clearInterval(this.timer);
    this.poll();
  }

  private poll(): void {
    if (!existsSync(this.file)) return;
    const fd = openSync(this.file, 'r');
    try {
      const buffer = Buffer.alloc(64 * 1024);
      for (;;) {
        const n = readSync(fd, buffer, 0, buffer.length, this.offset);
        if (n === 0) break;
        this.offset += n;
        const lines = (this.rest + buffer.subarray(0, n).toString('utf8')).split('\n');
        this.rest = lines.pop() ?? '';
        for (const line of lines) this.onLine(line);
      }
    } finally {
      closeSync(fd);
    }
  }
}
