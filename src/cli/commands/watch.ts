import type { Command } from 'commander';
import { parseDuration } from '../../core/duration.js';
import { HadrillError } from '../../core/errors.js';
import { alignTable } from '../../core/report/render-summary.js';
import { requireRunState, resolveRun } from '../../engine/run-store.js';
import { watchRun, type WatchSnapshot } from '../../engine/watch.js';
import type { Context } from '../context.js';
import type { ContextFactory } from './index.js';
import { renderText } from '../../core/metrics/exposition.js';
import { RunMetrics } from '../../core/metrics/hadrill-metrics.js';
import { parseListenAddress } from '../../core/metrics/listen-address.js';
import { startMetricsServer } from '../../engine/metrics-server.js';

export function registerWatch(program: Command, ctx: ContextFactory): void {
  program
    .command('watch')
    .description('live view while the agents write: per service and IDC writes/s, errors/s, p99 latency; primary, lag, active faults')
    .option('--interval <time>', 'refresh period', '1s')
    .option('--window <time>', 'the sliding window rates are computed over', '5s')
    .option('--for <time>', 'stop after this long (default: until Ctrl-C)')
    .option('--metrics-listen <addr>', 'also serve the run\'s Prometheus metrics at http://ADDR/metrics while watching (a port alone listens on 127.0.0.1; write 0.0.0.0:PORT to let other machines scrape)')
    .addHelpText('after', '\nOn a terminal the view refreshes in place; piped, it prints one block per refresh; with --json, one JSON object per line.')
    .action(async (opts: { interval: string; window: string; for?: string; metricsListen?: string }) => {
      const c = ctx();
      const intervalMs = duration('--interval', opts.interval);
      const windowMs = duration('--window', opts.window);
      const forMs = opts.for === undefined ? null : duration('--for', opts.for);
      const address = opts.metricsListen === undefined ? null : parseListenAddress(opts.metricsListen);
      const state = requireRunState(resolveRun(c.options.run));
      const metrics = address ? new RunMetrics() : null;
      const server = address && metrics ? await startMetricsServer(address, () => renderText(metrics.families())) : null;
      if (server) process.stderr.write(`Serving Prometheus metrics at ${server.url}\n`);
      const abort = new AbortController();
      process.once('SIGINT', () => abort.abort());
      const stopAt = forMs === null ? Infinity : Date.now() + forMs;
      try {
        for await (const snapshot of watchRun(state, c.runtime, { intervalMs, windowMs, signal: abort.signal, ...(metrics ? { metrics } : {}) })) {
          render(c, snapshot);
          if (Date.now() >= stopAt) break;
        }
      } finally {
        await server?.close();
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
