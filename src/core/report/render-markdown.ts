// A report for a CI step summary ($GITHUB_STEP_SUMMARY and the like): the
// verdict first, then one table per service, then the SLOs.
import type { LatencyStats, PhaseStats, ServiceResult } from '../check/check-types.js';
import type { DalSummary } from '../check/dal-summary.js';
import { describeFault } from '../faults.js';
import { formatClockMs, formatClockOffset, skewMark, type ReportClockSkew, type SkewedFigure } from './clock-skew-marks.js';
import { DEFINITIONS } from './definitions.js';
import type { Report } from './report-model.js';
import { describeAgentCpu, formatBackups, formatDuration, formatLostCause, formatPromotions, formatFalsePromotions, formatRto, formatSloActual, formatSplitBrain } from './render-summary.js';

/** Lost and conflicting ids listed inline; the full lists are in report.json. */
const MAX_IDS = 50;

export function renderMarkdown(report: Report): string {
  const mark = report.verdict === 'pass' ? '✅' : report.verdict === 'fail' ? '❌' : '⚠️';
  const out: string[] = [];
  out.push(`## ${mark} hadrill: ${esc(report.scenario.name)}: ${report.verdict.toUpperCase()}`, '');
  const file = report.scenario.file === null ? '' : `, scenario file ${code(report.scenario.file)}`;
  out.push(
    `Tier ${code(report.scenario.tier)}, run ${code(report.run)} (${report.mode}), ${report.startedAt} to ${report.finishedAt}${file}.`,
    '',
  );

  if (report.faults.length > 0) {
    out.push('**Faults**', '');
    for (const f of report.faults) {
      const healed = f.healedMs === null ? 'not healed' : `healed after ${formatDuration(f.healedMs - f.appliedMs)}`;
      out.push(`- ${esc(describeFault(f.spec))} applied at ${new Date(f.appliedMs).toISOString()}, ${healed}`);
    }
    out.push('');
  }

  for (const i of report.incomplete ?? []) {
    out.push(`### ${esc(i.name)}: not checked`, '', `${esc(i.reason)}. Read: ${i.readable.map(code).join(', ') || 'none'}; could not read: ${i.unreadable.map((u) => `${code(u.node)} (${esc(u.reason)})`).join(', ') || 'none'}. ${i.acknowledged} of ${i.attempted} writes were acknowledged.`, '');
  }
  for (const s of report.services) out.push(...serviceSection(report, s));
  if (report.dal) out.push(...dalSection(report.dal));

  if (report.slos.length > 0) {
    out.push('### SLOs', '', '| | SLO | measured | |', '|---|---|---:|---|');
    for (const slo of report.slos) {
      const service = report.services.find((s) => s.name === slo.service);
      out.push(row([slo.ok ? '✅' : '❌', esc(slo.name), formatSloActual(slo, service), esc(slo.message)]));
    }
    out.push('');
  }
  if (report.clockSkew) out.push(...clocksSection(report.clockSkew));
  if (report.agentCpu && report.agentCpu.cpuPerOpUs !== null) out.push('### Workload agents', '', describeAgentCpu(report.agentCpu, code), '');
  if (report.notes.length > 0) {
    out.push('### Notes', '', ...report.notes.map((n) => `- ${esc(n)}`), '');
  }
  out.push('<details><summary>What the numbers mean</summary>', '', ...DEFINITIONS.map((d) => `- **${d.term}**: ${esc(d.meaning)}`), '', '</details>', '');
  return out.join('\n');
}

function dalSection(dal: DalSummary): string[] {
  const ms = (v: number | null): string => (v === null ? '-' : formatDuration(v));
  const share = dal.acknowledged === 0 ? '-' : `${((100 * dal.forwarded) / dal.acknowledged).toFixed(1)}%`;
  const out = [
    '### Data access layer',
    '',
    `Writes of ${code(dal.shardedGroup)} acknowledged: ${dal.acknowledged}, forwarded to another zone's home: ${dal.forwarded} (${share}); p50 ${ms(dal.p50LocalMs)} written in the client's zone, ${ms(dal.p50ForwardedMs)} forwarded. Users written in two homes at once: ${dal.homeViolations.length}; users moved: ${dal.movedUsers}.`,
    '',
    '| router | local | forwarded | received | global | reads | refused | failed |',
    '|---|---:|---:|---:|---:|---:|---|---:|',
    ...dal.routers.map((r) => row([code(r.zone), String(r.local), String(r.forwarded), String(r.received), String(r.global), String(r.reads), Object.entries(r.refused).map(([k, n]) => `${k} ${n}`).join(', ') || '0', String(r.failed)])),
    '',
  ];
  for (const m of dal.moves) {
    const to = Object.entries(m.to).map(([zone, shards]) => `${shards.join(', ')} to ${code(zone)}`).join('; ');
    out.push(`- ${code(m.zone)} lost: shards ${m.shards.join(', ')} write protected for ${ms(m.protectedMs)} (routers stopped after ${ms(m.routersStoppedMs)}, new homes caught up after ${ms(m.caughtUpMs)})${m.movedAt === null ? ', never moved' : `, moved (${to}) at epoch ${m.epoch}`}`);
  }
  for (const v of dal.homeViolations.slice(0, MAX_IDS)) out.push(`- ${code(v.user)}: ${esc(v.reason)}`);
  if (dal.moves.length > 0 || dal.homeViolations.length > 0) out.push('');
  return out;
}

/** Each agent's clock against the host's at the start and the end, the skew between them, and the figures it touches. */
function clocksSection(skew: ReportClockSkew): string[] {
  const measured = (['start', 'end'] as const).filter((at) => skew[at] !== null);
  const clients = [...new Set(measured.flatMap((at) => [...skew[at]!.clients.map((c) => c.client), ...skew[at]!.absent.map((a) => a.client)]))].sort();
  const cell = (at: 'start' | 'end', client: string): string => {
    const m = skew[at]!;
    const c = m.clients.find((x) => x.client === client);
    if (c !== undefined) return formatClockOffset(c.offsetMs, c.uncertaintyMs);
    const a = m.absent.find((x) => x.client === client);
    return a === undefined ? '-' : `absent (${esc(a.reason)})`;
  };
  const between = measured.map((at) => {
    const m = skew[at]!;
    return m.skewMs === null ? `no agent answered at the ${at}` : `${formatClockMs(m.skewMs)} ± ${formatClockMs(m.uncertaintyMs ?? 0)} at the ${at}`;
  });
  const out = [
    '### Clocks',
    '',
    `Skew between the agents' clocks: ${between.join(', ')}. Times in the history are stamped by each agent's own clock.`,
    '',
    row(['agent', ...measured.map((at) => `offset from the host at the ${at}`)]),
    row(['---', ...measured.map(() => '---:')]),
    ...clients.map((client) => row([code(client), ...measured.map((at) => cell(at, client))])),
    '',
  ];
  const judged = (j: ReportClockSkew['marked'][number]): string =>
    `${code(j.service)} ${j.figure === 'splitBrain' ? 'split brain' : 'RTO'} (measured to ${formatClockMs(j.resolutionMs)}): ${j.client === null ? "the agents' clocks" : `${code(j.client)}'s clock against the host's`} ${formatClockMs(j.skewMs)} ± ${formatClockMs(j.uncertaintyMs)} at the ${j.at}`;
  for (const j of skew.marked) out.push(`- ⚠️ **may be off by the skew**: ${judged(j)}`);
  for (const j of skew.unresolved) out.push(`- could not be measured finely enough to tell: ${judged(j)}`);
  if (skew.marked.length + skew.unresolved.length > 0) out.push('');
  return out;
}

function serviceSection(report: Report, s: ServiceResult): string[] {
  const split = s.rtoSplit;
  const out = [
    `### ${s.name}`,
    '',
    '| | |',
    '|---|---:|',
    row(['attempted', String(s.attempted)]),
    row(['acknowledged', String(s.acknowledged)]),
    row(['failed', String(s.failed)]),
    row(['unknown', String(s.unknown)]),
    row(['**lost**', `**${s.lost}**`]),
    row(['unknown, present', String(s.unknownPresent)]),
    row(['unknown, absent', String(s.unknownAbsent)]),
    row(['unexpected', String(s.unexpected)]),
    row(['divergent', String(s.divergent)]),
    row(['conflicts', String(s.conflicts)]),
    row(['reads (ok / failed)', `${s.reads.ok} / ${s.reads.failed}`]),
    row(['stale reads', String(s.reads.stale)]),
    row(['stale-read age p50 / p99 / max', formatStats(s.reads.staleAgeMs)]),
    row(['**RTO** (worst client)', `**${formatRto(s)}**${s.rto.client === null ? '' : ` (${code(s.rto.client)} in ${esc(s.rto.idc ?? '')})`}${skewFlag(report, s, 'rto')}`]),
    row(['RTO resolution (write interval)', formatDuration(s.rto.resolutionMs)]),
    row([
      'RTO: detect / promote / reroute',
      `${formatDuration(split.detectMs)} / ${formatDuration(split.promoteMs)} / ${formatDuration(split.rerouteMs)}${split.proxyMs === undefined ? '' : ` (of it, the proxy: ${formatDuration(split.proxyMs)})`}${split.note === null ? '' : ` (${esc(split.note)})`}`,
    ]),
    row(['RPO window (oldest to newest lost acknowledgement)', formatDuration(s.rpo.windowMs)]),
    row(['RPO: oldest lost write acknowledged before the outage by', formatDuration(s.rpo.beforeOutageMs)]),
    row(['split brain', `${formatSplitBrain(s)}${skewFlag(report, s, 'splitBrain')}`]),
    row(['authoritative node', s.authoritativeNode === null ? 'none' : code(s.authoritativeNode)]),
  ];
  const backups = formatBackups(report, s);
  if (backups !== null) out.push(row(['cold backups', esc(backups)]));
  out.push('');
  const promotions = formatPromotions(report, s);
  if (promotions.length > 0) out.push('Promotions after the fault:', '', ...promotions.map((p) => `- ${esc(p)}`), '');
  const falsePromotions = formatFalsePromotions(report, s);
  if (falsePromotions.length > 0) out.push('**Promotions without a fault** (false failovers):', '', ...falsePromotions.map((p) => `- ${esc(p)}`), '');

  out.push(
    '| phase | writes | ok | error rate | write p50 | write p99 | write max | reads | read errors | read p50 | read p99 | read max |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  );
  for (const [name, p] of [['before', s.phases.before], ['during', s.phases.during], ['after', s.phases.after]] as const) {
    out.push(phaseRow(name, p));
  }
  out.push('');

  if (s.byIdc.length > 0) {
    out.push(
      '| client IDC | attempted | acknowledged | failed | unknown | lost | lost window | RTO (client) | steady write p50 / p99 |',
      '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    );
    for (const i of s.byIdc) {
      const rto = s.rto.byIdc.find((r) => r.idc === i.idc);
      const rtoCell = rto === undefined || !rto.measured ? 'not measured' : `${rto.recovered ? formatDuration(rto.rtoMs) : 'not recovered'} (${code(rto.client ?? '')})`;
      const steady = `${formatDuration(i.steadyWriteLatency.p50Ms)} / ${formatDuration(i.steadyWriteLatency.p99Ms)}`;
      out.push(row([esc(i.idc), ...[i.attempted, i.acknowledged, i.failed, i.unknown, i.lost].map(String), formatDuration(i.lostWindowMs), rtoCell, steady]));
    }
    out.push('');
  }

  if (s.reads.byIdc.length > 0) {
    out.push('| reads in IDC | nodes read | reads | failed | stale | p99 age | max age |', '|---|---|---:|---:|---:|---:|---:|');
    for (const i of s.reads.byIdc) {
      out.push(row([esc(i.idc), i.nodes.map(code).join(', '), String(i.attempted), String(i.failed), String(i.stale), formatDuration(i.p99AgeMs), formatDuration(i.maxAgeMs)]));
    }
    out.push('');
  }

  const causes = s.lostCauses ?? [];
  if (causes.length > 0) out.push('Why writes were lost:', '', ...causes.map((g) => `- ${esc(formatLostCause(report, g))}`), '');
  out.push(...idList('Lost ids', s.lostIds), ...idList('Conflicting writes (overwritten by an older write)', s.conflictIds));
  return out;
}

/** Beside a figure the agents' clock skew may have distorted: see the Clocks section. */
function skewFlag(report: Report, s: ServiceResult, figure: SkewedFigure): string {
  const mark = skewMark(report.clockSkew, s.name, figure);
  return mark === null ? '' : ` ⚠️ clock skew ${formatClockMs(mark.skewMs)} ± ${formatClockMs(mark.uncertaintyMs)} (see Clocks)`;
}

function idList(title: string, ids: readonly string[]): string[] {
  if (ids.length === 0) return [];
  const shown = ids.slice(0, MAX_IDS).map(code).join(', ');
  const more = ids.length > MAX_IDS ? `, and ${ids.length - MAX_IDS} more in report.json` : '';
  return [`<details><summary>${title} (${ids.length})</summary>`, '', shown + more, '', '</details>', ''];
}

function formatStats(s: LatencyStats): string {
  return `${formatDuration(s.p50Ms)} / ${formatDuration(s.p99Ms)} / ${formatDuration(s.maxMs)}`;
}

function phaseRow(name: string, p: PhaseStats): string {
  const rate = p.ops === 0 ? 'n/a' : `${(p.errorRate * 100).toFixed(1)}%`;
  const w = p.writeLatency;
  const r = p.readLatency;
  return row([
    name,
    String(p.ops),
    String(p.ok),
    rate,
    ...[w.p50Ms, w.p99Ms, w.maxMs].map(formatDuration),
    String(p.reads),
    String(p.readErrors),
    ...[r.p50Ms, r.p99Ms, r.maxMs].map(formatDuration),
  ]);
}

function row(cells: readonly string[]): string {
  return `| ${cells.join(' | ')} |`;
}

// Names and messages come from user YAML and server errors; a stray pipe or
// angle bracket must not break the table or inject HTML into the summary.
function esc(text: string): string {
  return text.replace(/[\\`*_[\]<>|#]/g, '\\$&').replace(/\r?\n/g, ' ');
}

function code(text: string): string {
  return '`' + text.replace(/`/g, "'").replace(/\|/g, '\\|').replace(/\r?\n/g, ' ') + '`';
}
