// Everything the CLI prints goes through here: colour only on a TTY and never
// with NO_COLOR, spinners only on a TTY, nothing but JSON with --json.
import { Chalk, type ChalkInstance } from 'chalk';
import ora, { type Ora } from 'ora';
import type { EngineEvent, EventSink } from '../core/engine-events.js';
import { formatMs } from '../core/duration.js';

export interface OutputOptions {
  json: boolean;
  quiet: boolean;
}

export class Output {
  readonly color: ChalkInstance;
  readonly json: boolean;
  private readonly quiet: boolean;
  private readonly interactive: boolean;
  private spinner: Ora | null = null;

  constructor(options: OutputOptions) {
    this.json = options.json;
    this.quiet = options.quiet;
    const noColor = process.env['NO_COLOR'] !== undefined && process.env['NO_COLOR'] !== '';
    this.color = new Chalk({ level: !noColor && process.stdout.isTTY ? 1 : 0 });
    this.interactive = Boolean(process.stderr.isTTY) && !this.json && process.env['CI'] !== 'true';
  }

  /** Progress events rendered as spinners (TTY) or one plain line per finished phase. */
  readonly events: EventSink = (event: EngineEvent) => {
    if (this.json || this.quiet) return;
    const c = this.color;
    switch (event.type) {
      case 'phase.start':
        if (this.interactive) this.spinner = ora({ text: event.text, stream: process.stderr }).start();
        else process.stderr.write(`- ${event.text} ...\n`);
        return;
      case 'phase.done':
        if (this.spinner) this.spinner.succeed(`${event.text} ${c.dim(`(${formatMs(event.ms)})`)}`);
        else process.stderr.write(`  done: ${event.text} (${formatMs(event.ms)})\n`);
        this.spinner = null;
        return;
      case 'phase.failed':
        if (this.spinner) this.spinner.fail(event.text);
        else process.stderr.write(`  failed: ${event.text}\n`);
        this.spinner = null;
        return;
      case 'info':
        this.line(process.stderr, `${c.cyan('i')} ${event.text}`);
        return;
      case 'warn':
        this.line(process.stderr, `${c.yellow('!')} ${event.text}`);
        return;
    }
  };

  /** Human output on stdout (suppressed by --json and --quiet). */
  print(text: string): void {
    if (!this.json && !this.quiet) process.stdout.write(text.endsWith('\n') ? text : text + '\n');
  }

  /** The one JSON document a --json run prints. */
  printJson(value: unknown): void {
    process.stdout.write(JSON.stringify(value, null, 2) + '\n');
  }

  error(message: string, hint?: string): void {
    this.stopSpinner();
    const c = this.color;
    process.stderr.write(`${c.red('error')} ${message}\n`);
    if (hint) process.stderr.write(`${c.dim('hint')}  ${hint}\n`);
  }

  stopSpinner(): void {
    this.spinner?.stop();
    this.spinner = null;
  }

  private line(stream: NodeJS.WriteStream, text: string): void {
    const spinning = this.spinner?.isSpinning ? this.spinner : null;
    spinning?.clear();
    stream.write(text + '\n');
    spinning?.render();
  }
}
