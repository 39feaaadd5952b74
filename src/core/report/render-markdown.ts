// A report for a CI step summary ($GITHUB_STEP_SUMMARY and the like): the
// verdict first, then one table per service, then the SLOs.
import type { PhaseStats, ServiceResult } from '../check/check-types.js';
import { describeFault } from '../faults.js';
import type { Report } from './report-model.js';
import { formatDuration, formatRto, formatSloActual } from './render-summary.js';

/** Lost ids listed inline; the full list is in report.json. */
const MAX_IDS = 50;

export function renderMarkdown(report: Report): string {
  const pass = report.verdict === 'pass';
  const out: string[] = [];
  out.push(`## ${pass ? '✅' : '❌'} hadrill: ${esc(report.scenario.name)}: ${pass ? 'PASS' : 'FAIL'}`, '');
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

  for (const s of report.services) out.push(...serviceSection(s));

  if (report.slos.length > 0) {
    out.push('### SLOs', '', '| | SLO | measured | |', '|---|---|---:|---|');
    for (const slo of report.slos) {
      const service = report.services.find((s) => s.name === slo.service);
      out.push(row([slo.ok ? '✅' : '❌', esc(slo.name), formatSloActual(slo, service), esc(slo.message)]));
    }
    out.push('');
  }
  if (report.notes.length > 0) {
    out.push('### Notes', '', ...report.notes.map((n) => `- ${esc(n)}`), '');
  }
  return out.join('\n');
}

function serviceSection(s: ServiceResult): string[] {
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
    row(['**RTO**', `**${formatRto(s)}**`]),
    row([
      'RTO: detect / promote / reroute',
      `${formatDuration(split.detectMs)} / ${formatDuration(split.promoteMs)} / ${formatDuration(split.rerouteMs)}`,
    ]),
    row(['RPO span', formatDuration(s.rpo.spanMs)]),
    row(['authoritative node', s.authoritativeNode === null ? 'none' : code(s.authoritativeNode)]),
    '',
  ];

  out.push('| phase | ops | ok | error rate | p50 | p99 |', '|---|---:|---:|---:|---:|---:|');
  for (const [name, p] of [['before', s.phases.before], ['during', s.phases.during], ['after', s.phases.after]] as const) {
    out.push(phaseRow(name, p));
  }
  out.push('');

  if (s.byIdc.length > 0) {
    out.push('| client IDC | attempted | acknowledged | failed | unknown | lost |', '|---|---:|---:|---:|---:|---:|');
    for (const i of s.byIdc) {
      out.push(row([esc(i.idc), ...[i.attempted, i.acknowledged, i.failed, i.unknown, i.lost].map(String)]));
    }
    out.push('');
  }

  if (s.lostIds.length > 0) {
    const shown = s.lostIds.slice(0, MAX_IDS).map(code).join(', ');
    const more = s.lostIds.length > MAX_IDS ? `, and ${s.lostIds.length - MAX_IDS} more in report.json` : '';
    out.push(`<details><summary>Lost ids (${s.lostIds.length})</summary>`, '', shown + more, '', '</details>', '');
  }
  return out;
}

function phaseRow(name: string, p: PhaseStats): string {
  const rate = p.ops === 0 ? 'n/a' : `${(p.errorRate * 100).toFixed(1)}%`;
  return row([name, String(p.ops), String(p.ok), rate, formatDuration(p.writeLatency.p50Ms), formatDuration(p.writeLatency.p99Ms)]);
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
