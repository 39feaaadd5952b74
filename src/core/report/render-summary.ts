// The console table printed after a drill. Plain text only: the CLI decides on
// colour (NO_COLOR, non-TTY), so nothing here may emit escape codes.
import type { LostCauseGroup, ServiceResult } from '../check/check-types.js';
import type { SloResult } from '../check/slo.js';
import type { Report } from './report-model.js';
import type { AgentCpuSummary } from '../agent-cpu.js';

export function formatDuration(ms: number | null): string {
  if (ms === null) return 'n/a';
  const sign = ms < 0 ? '-' : '';
  const abs = Math.abs(ms);
  return abs < 1000 ? `${sign}${Math.round(abs)} ms` : `${sign}${(abs / 1000).toFixed(2)} s`;
}

/** RTO needs the recovered flag: a null RTO means either "no outage" or "never recovered". */
export function formatRto(s: Pick<ServiceResult, 'rtoMs' | 'recovered'>): string {
  if (s.rtoMs !== null) return formatDuration(s.rtoMs);
  return s.recovered ? 'n/a' : 'not recovered';
}

/** Split brain in words: a one-writer service's overlap, or why there is none. */
export function formatSplitBrain(s: ServiceResult): string {
  const sb = s.splitBrain;
  if (sb === null) return 'n/a (several writers by design)';
  if (sb.ms === 0) return '0 (one writer at a time)';
  return `${formatDuration(sb.ms)}: ${sb.nodes.join(' and ')} acknowledged writes at once; ${sb.lost} of the ${sb.acknowledged} writes acknowledged meanwhile were lost`;
}

/** Seconds since the drill started, as "+12.3 s". */
export function formatSinceStart(report: Pick<Report, 'startedAt'>, atMs: number): string {
  const started = Date.parse(report.startedAt);
  return Number.isFinite(started) ? `+${((atMs - started) / 1000).toFixed(1)} s` : new Date(atMs).toISOString();
}

/** One line per promotion: when, which node, and the machinery's reason. */
/** The agents' cost in one sentence: per operation over all of them, and the busiest one's share of a core. */
export function describeAgentCpu(cpu: AgentCpuSummary, name: (client: string) => string = (c) => c): string {
  const n = cpu.agents.length;
  const busiest = cpu.busiest === null ? '' : `; the busiest, ${name(cpu.busiest.client)}, used ${(cpu.busiest.coreShare * 100).toFixed(0)}% of one core`;
  return `${n} agent${n === 1 ? '' : 's'} sent ${cpu.ops.toLocaleString('en-US')} operations using ${formatDuration(cpu.cpuMs)} of CPU: ${Math.round(cpu.cpuPerOpUs ?? 0)} µs per operation${busiest}.`;
}

export function formatPromotions(report: Pick<Report, 'startedAt'>, s: Pick<ServiceResult, 'promotions'>): string[] {
  return promotionLines(report, s.promotions);
}

/** Promotions before any fault (false failovers), one line each. */
export function formatFalsePromotions(report: Pick<Report, 'startedAt'>, s: Pick<ServiceResult, 'promotionsWithoutFault'>): string[] {
  return promotionLines(report, s.promotionsWithoutFault ?? []);
}

function promotionLines(report: Pick<Report, 'startedAt'>, promotions: ServiceResult['promotions']): string[] {
  return promotions.map((p) => `${formatSinceStart(report, p.atMs)}: ${p.node} promoted${p.reason === null ? '' : ` (${p.reason})`}`);
}

/** Why a group of writes was lost, in a sentence: what lost them, when they were acknowledged, and where they are now. */
export function formatLostCause(report: Pick<Report, 'startedAt'>, g: LostCauseGroup): string {
  const n = `${g.count} ${g.count === 1 ? 'write' : 'writes'}`;
  const when = g.firstAckMs === g.lastAckMs ? `at ${formatSinceStart(report, g.firstAckMs)}` : `from ${formatSinceStart(report, g.firstAckMs)} to ${formatSinceStart(report, g.lastAckMs)}`;
  const by = g.node === null ? 'by a node no client recorded' : `by ${g.node}`;
  const fault = g.faults.length === 0 ? '' : ` (${g.faults.join(', ')})`;
  const where = g.stillOn.length === 0 ? 'no node holds them now' : `still on ${g.stillOn.join(', ')}, which can give them back`;
  const what: Record<LostCauseGroup['cause'], string> = {
    unreplicated: `${g.node ?? 'their node'}${fault} was replaced${g.replacedBy === null ? '' : ` by ${g.replacedBy}`} before replication shipped them`,
    'split-brain': `${g.node ?? 'their node'}${fault} took them while another node was the writer too (split brain)${g.replacedBy === null ? '' : `; ${g.replacedBy} won`}`,
    'after-restored-backup': `they came after backup ${g.backup ?? '?'} began, the one restored${g.replacedBy === null ? '' : ` onto ${g.replacedBy}`}`,
    'dropped-by-its-node': `${g.node ?? 'their node'}${fault} still serves as the writer and no longer holds them`,
    'lost-with-successor': `${g.node ?? 'their node'}${fault} was replaced by ${g.replacedBy ?? 'another node'}, which later lost writes it had acknowledged itself: they went with its data, or never reached it`,
    unexplained: 'no known cause fits: a bug in the HA stack, or in hadrill',
  };
  return `${g.cause}: ${n} acknowledged ${by} ${when}; ${what[g.cause]}; ${where}`;
}

/** Cold backups in one line: how many, what each cost the server and the clients, which one a restore brings back. */
export function formatBackups(report: Pick<Report, 'startedAt'>, s: Pick<ServiceResult, 'backups'>): string | null {
  const b = s.backups;
  if (b === null) return null;
  const stats = (l: { p50Ms: number | null; maxMs: number | null; count: number }): string => (l.count === 0 ? 'n/a' : `p50 ${formatDuration(l.p50Ms)}, max ${formatDuration(l.maxMs)}`);
  const last = b.lastBeforeFault === null ? 'none complete before the fault' : `${b.lastBeforeFault.name}, taken at ${formatSinceStart(report, b.lastBeforeFault.stoppedAt)}`;
  return `${b.completed} completed, ${b.failed} failed; server down per backup ${stats(b.serverDowntimeMs)}; clients without an acknowledged write per backup ${stats(b.clientDowntimeMs)}; restorable: ${last}`;
}

export function formatSloActual(slo: SloResult, service: ServiceResult | undefined): string {
  if (slo.metric === 'lostWrites' || slo.metric === 'divergentRows' || slo.metric === 'conflicts') return slo.actual === null ? 'n/a' : String(slo.actual);
  if (slo.actual !== null) return formatDuration(slo.actual);
  if (slo.metric !== 'rtoMs') return 'not measured';
  return service === undefined ? 'n/a' : formatRto(service);
}

/** Per-service verdict: '-' when no SLO applies to the service. */
export function serviceVerdict(report: Pick<Report, 'slos'>, service: string): 'pass' | 'fail' | '-' {
  const slos = report.slos.filter((s) => s.service === service);
  if (slos.length === 0) return '-';
  return slos.every((s) => s.ok) ? 'pass' : 'fail';
}

/** Columns whose index is in rightAligned are padded on the left (numbers). */
export function alignTable(rows: readonly (readonly string[])[], rightAligned: ReadonlySet<number>): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) =>
    row
      .map((cell, i) => (rightAligned.has(i) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd(),
  );
}

export function renderSummary(report: Report): string {
  const header = ['service', 'acknowledged', 'failed', 'unknown', 'lost', 'unknown-present', 'unknown-absent', 'conflicts', 'RTO', 'stale-read p99', 'verdict'];
  const rows = report.services.map((s) => [
    s.name,
    String(s.acknowledged),
    String(s.failed),
    String(s.unknown),
    String(s.lost),
    String(s.unknownPresent),
    String(s.unknownAbsent),
    String(s.conflicts),
    formatRto(s),
    formatDuration(s.reads.staleAgeMs.p99Ms),
    serviceVerdict(report, s.name),
  ]);
  const lines = [`hadrill ${report.scenario.name} (${report.scenario.tier}, run ${report.run}, ${report.mode})`, ''];
  if (rows.length === 0) lines.push('no operations were recorded');
  else lines.push(...alignTable([header, ...rows], new Set([1, 2, 3, 4, 5, 6, 7, 8, 9])));

  if (report.slos.length > 0) {
    lines.push('', 'SLOs:');
    const sloRows = report.slos.map((slo) => [
      slo.ok ? 'pass' : 'FAIL',
      slo.name,
      formatSloActual(slo, report.services.find((s) => s.name === slo.service)),
      slo.ok ? '' : slo.message,
    ]);
    lines.push(...alignTable(sloRows, new Set([2])).map((l) => `  ${l}`));
  }
  for (const s of report.services) {
    const promotions = formatPromotions(report, s);
    if (promotions.length > 0) lines.push('', `${s.name} promotions:`, ...promotions.map((p) => `  ${p}`));
    const falsePromotions = formatFalsePromotions(report, s);
    if (falsePromotions.length > 0) lines.push('', `${s.name} promotions WITHOUT A FAULT (false failovers):`, ...falsePromotions.map((p) => `  ${p}`));
    const backups = formatBackups(report, s);
    if (backups !== null) lines.push('', `${s.name} cold backups: ${backups}`);
    const causes = s.lostCauses ?? [];
    if (causes.length > 0) lines.push('', `${s.name} lost writes, why:`, ...causes.map((g) => `  ${formatLostCause(report, g)}`));
  }
  for (const i of report.incomplete ?? []) lines.push('', `${i.name}: NOT CHECKED: ${i.reason}`);
  if (report.agentCpu && report.agentCpu.cpuPerOpUs !== null) lines.push('', `Workload agents: ${describeAgentCpu(report.agentCpu)}`);
  if (report.notes.length > 0) lines.push('', 'Notes:', ...report.notes.map((n) => `  - ${n}`));
  const failedCount = report.slos.filter((s) => !s.ok).length;
  lines.push(
    '',
    report.verdict === 'incomplete'
      ? `verdict: INCOMPLETE (${(report.incomplete ?? []).map((i) => i.name).join(', ')} could not be checked)`
      : report.slos.length === 0
      ? `verdict: ${report.verdict.toUpperCase()} (no SLOs declared)`
      : `verdict: ${report.verdict.toUpperCase()} (${failedCount} of ${report.slos.length} SLOs failed)`,
  );
  return lines.join('\n') + '\n';
}
