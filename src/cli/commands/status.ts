import type { Command } from 'commander';
import type { ChalkInstance } from 'chalk';
import { requireRunState, resolveRun } from '../../engine/run-store.js';
import { runStatus, type RunStatus } from '../../engine/status.js';
import { alignTable } from '../../core/report/render-summary.js';
import type { ContextFactory } from './index.js';

export function registerStatus(program: Command, ctx: ContextFactory): void {
  program
    .command('status')
    .description('per IDC: nodes, roles (who is primary now), replication and lag, Sentinel and manager views, active faults')
    .action(async () => {
      const c = ctx();
      const state = requireRunState(resolveRun(c.options.run));
      const status = await runStatus(state, c.runtime);
      if (c.output.json) return c.output.printJson(status);
      c.output.print(renderStatus(status, c.output.color));
    });
}

export function renderStatus(status: RunStatus, color: ChalkInstance): string {
  const lines = [color.bold(`run ${status.run} (scenario ${status.scenario})`), ''];
  const header = ['idc', 'node', 'kind', 'group', 'address', 'container', 'role', 'replication', 'lag'];
  const rows = status.nodes
    .slice()
    .sort((a, b) => a.idc.localeCompare(b.idc))
    .map((n) => [n.idc, n.node, n.kind, n.group ?? '-', n.ip, n.container, n.role, n.replication, n.lagSeconds === null ? '-' : `${n.lagSeconds} s`]);
  lines.push(...alignTable([header, ...rows], new Set([8])));
  lines.push('');
  for (const w of status.writers) {
    if (w.multiWriter) {
      lines.push(`${w.group} (${w.kind}) writers: every node (multi-active)`);
      continue;
    }
    lines.push(`${w.group} (${w.kind}) writer: ${w.writer === null ? color.red('none named') : `${color.green(w.writer.name)}${w.writer.epoch === null ? '' : `, epoch ${w.writer.epoch}`}`}`);
  }
  if (status.links.length > 0) {
    lines.push('', `Links (${status.wanMechanism === 'netem' ? 'tc netem' : status.wanMechanism === 'userspace' ? 'userspace WAN emulator: this kernel has no netem' : status.wanMechanism}):`);
    const linkRows = status.links.map((l) => [
      `${l.from} <-> ${l.to}`,
      `${l.configuredLatencyMs} ms`,
      l.measuredRttMs === null ? color.red('no reply') : `${l.measuredRttMs.toFixed(1)} ms`,
      [l.configuredShape.jitterMs ? `jitter ${l.configuredShape.jitterMs} ms` : '', l.configuredShape.lossPct ? `loss ${l.configuredShape.lossPct}%` : '', l.configuredShape.rateKbit ? `rate ${l.configuredShape.rateKbit} kbit/s` : ''].filter(Boolean).join(', '),
    ]);
    lines.push(...alignTable([['link', 'configured RTT', 'measured RTT', 'shape'], ...linkRows], new Set([1, 2])).map((l) => `  ${l}`));
    lines.push('');
  }
  lines.push(status.activeFaults.length === 0 ? 'Active faults: none' : `Active faults: ${status.activeFaults.map((f) => color.red(`${f.fault} (since ${f.since})`)).join(', ')}`);
  return lines.join('\n');
}
