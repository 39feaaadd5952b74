import type { Command } from 'commander';
import { parseDuration } from '../../core/duration.js';
import { HadrillError } from '../../core/errors.js';
import { alignTable } from '../../core/report/render-summary.js';
import { requireRunState, resolveRun } from '../../engine/run-store.js';
import { watchRun, type WatchSnapshot } from '../../engine/watch.js';
import type { Context } from '../context.js';
import type { ContextFactory } from './index.js';

export function registerWatch(program: Command, ctx: ContextFactory): void {
  program
    .command('watch')
    .description('live view while the agents write: per service and IDC writes/s, errors/s, p99 latency; primary, lag, active faults')
    .option('--interval <time>', 'refresh period', '1s')
    .option('--window <time>', 'the sliding window rates are computed over', '5s')
    .option('--for <time>', 'stop after this long (default: until Ctrl-C)')
    .addHelpText('after', '\nOn a terminal the view refreshes in place; piped, it prints one block per refresh; with --json, one JSON object per line.')
    .action(async (opts: { interval: string; window: string; for?: string }) => {
      const c = ctx();
      const intervalMs = duration('--interval', opts.interval);
      const windowMs = duration('--window', opts.window);
      const forMs = opts.for === undefined ? null : duration('--for', opts.for);
      const state = requireRunState(resolveRun(c.options.run));
      const abort = new AbortController();
      process.once('SIGINT', () => abort.abort());
      const stopAt = forMs === null ? Infinity : Date.now() + forMs;
      for await (const snapshot of watchRun(state, c.runtime, { intervalMs, windowMs, signal: abort.signal })) {
        render(c, snapshot);
        if (Date.now() >= stopAt) break;
      }
    });
}

function duration(flag: string, value: string): number {
  const ms = parseDuration(value);
  if (ms === null || ms <= 0) throw new HadrillError('usage', `${flag} ${value}: not a duration.`, { hint: `Write e.g. ${flag} 2s.` });
  return ms;
}

function render(c: Context, s: WatchSnapshot): void {
  if (c.output.json) {
    process.stdout.write(JSON.stringify(s) + '\n');
    return;
  }
  const color = c.output.color;
  const rows = s.rows.map((r) => [
    r.service,
    r.idc,
    r.writesPerSecond.toFixed(1),
    r.errorsPerSecond > 0 ? color.red(r.errorsPerSecond.toFixed(1)) : '0.0',
    r.p99Ms === null ? '-' : `${r.p99Ms.toFixed(1)} ms`,
    r.sinceLastOkMs === null ? '-' : r.sinceLastOkMs > 2000 ? color.red(`${(r.sinceLastOkMs / 1000).toFixed(1)} s ago`) : 'now',
  ]);
  const lines = [
    `${color.bold(`hadrill watch: run ${s.run}`)}  ${s.at}`,
    `${s.writers.map((w) => `${w.group} writer: ${w.writer ?? '-'}`).join('   ')}   max replication lag: ${s.maxLagSeconds === null ? '-' : `${s.maxLagSeconds} s`}`,
    `active faults: ${s.activeFaults.length === 0 ? 'none' : color.red(s.activeFaults.join(', '))}`,
    '',
    ...alignTable([['group', 'idc', 'writes/s', 'errors/s', 'p99', 'last ok'], ...rows], new Set([2, 3, 4])),
  ];
  if (process.stdout.isTTY) process.stdout.write(`\u001b[H\u001b[2J${lines.join('\n')}\n`);
  else process.stdout.write(lines.join('\n') + '\n\n');
}
