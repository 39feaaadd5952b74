// The report as one self-contained HTML page: it must open from a CI
// artifact, a mail attachment or a laptop with no network, so there is no
// script, font or style from anywhere else. The charts are SVG drawn in
// html/, and every chart of a report shares one time axis (seconds since the
// drill started) so the services can be compared by eye. This file is the
// page and its report-wide sections; a service's own section is in
// html/service-section.ts.
import type { ServiceResult } from '../check/check-types.js';
import type { SloResult } from '../check/slo.js';
import { describeFault, startsRtoClock } from '../faults.js';
import type { Report } from './report-model.js';
import { DEFINITIONS } from './definitions.js';
import { formatDuration, formatRto, formatSloActual } from './render-summary.js';
import { FAULT_COLORS } from './html/chart-frame.js';
import { clocksSection, skewFlag } from './html/clocks-section.js';
import { lagChart } from './html/lag-chart.js';
import { escapeHtml as esc, latencyTriple, num, seconds, tr } from './html/markup.js';
import { serviceSection } from './html/service-section.js';
import { STYLE } from './html/style.js';
import { timeAxis, type TimeAxis } from './html/time-axis.js';
import { familyOf } from './report-family.js';

export { escapeHtml } from './html/markup.js';
export { HTML_MAX_LOST_IDS } from './html/service-section.js';

export function renderHtml(report: Report): string {
  const verdict = report.verdict.toUpperCase();
  const axis = timeAxis(report);
  const body = [
    header(report, verdict),
    incompleteSection(report),
    faultsSection(report, axis),
    slosSection(report),
    summarySection(report),
    ...report.services.map((s) => serviceSection(report, s, axis)),
    report.services.some((s) => familyOf(report.families, s.kind).lagChart) ? '' : lagSection(report, axis),
    clocksSection(report),
    notesSection(report),
    `<footer>Rendered by hadrill from report.json (schema version ${esc(String(report.schemaVersion))}). Times are seconds since the drill started (${esc(report.startedAt)}).</footer>`,
  ];
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(`hadrill ${report.scenario.name}: ${verdict}`)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    '<main>',
    ...body.filter((part) => part !== ''),
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function incompleteSection(report: Report): string {
  const items = report.incomplete ?? [];
  if (items.length === 0) return '';
  const rows = items.map(
    (i) =>
      `<li><b>${esc(i.name)}</b>: ${esc(i.reason)}. Read: ${i.readable.map((n) => `<code>${esc(n)}</code>`).join(', ') || 'none'}; could not read: ${esc(i.unreadable.map((u) => `${u.node} (${u.reason})`).join(', ') || 'none')}. ${num(i.acknowledged)} of ${num(i.attempted)} writes were acknowledged.</li>`,
  );
  return `<section id="incomplete"><h2 class="bad">Not checked</h2><p>These services had no authoritative final state, so their writes were not judged (never counted as lost):</p><ul>${rows.join('')}</ul></section>`;
}

function header(report: Report, verdict: string): string {
  const cls = verdict === 'PASS' ? 'pass' : 'fail';
  const failed = report.slos.filter((s) => !s.ok).length;
  const sloLine =
    report.slos.length === 0 ? 'no SLOs declared' : failed === 0 ? `${report.slos.length} of ${report.slos.length} SLOs hold` : `${failed} of ${report.slos.length} SLOs violated`;
  const file = report.scenario.file === null ? '' : `<span>scenario file <code>${esc(report.scenario.file)}</code></span>`;
  return `<header>
<div class="title"><span class="badge ${cls}" id="verdict">${verdict}</span><h1>${esc(report.scenario.name)}</h1></div>
<p class="meta"><span>tier <b>${esc(report.scenario.tier)}</b></span><span>run <code>${esc(report.run)}</code> (${esc(report.mode)})</span>${file}<span>${esc(report.startedAt)} to ${esc(report.finishedAt)}</span><span>${esc(sloLine)}</span></p>
</header>`;
}

function faultsSection(report: Report, axis: TimeAxis): string {
  if (report.faults.length === 0) return '<section><h2>Faults</h2><p class="muted">No faults were injected.</p></section>';
  const rows = report.faults.map((f) => {
    const healed = f.healedMs === null ? 'not healed' : `+${seconds(axis.rel(f.healedMs))}`;
    const lasted = f.healedMs === null ? '' : formatDuration(f.healedMs - f.appliedMs);
    return tr([
      `<span class="swatch" style="background:${FAULT_COLORS[f.spec.kind]}"></span>${esc(describeFault(f.spec))}`,
      startsRtoClock(f.spec) ? 'outage (starts the RTO clock)' : 'degradation',
      `+${seconds(axis.rel(f.appliedMs))}`,
      healed,
      esc(lasted),
    ]);
  });
  return `<section><h2>Faults</h2>
<table><thead>${tr(['fault', 'kind', 'applied', 'healed', 'lasted'], 'th')}</thead><tbody>
${rows.join('\n')}
</tbody></table></section>`;
}

function slosSection(report: Report): string {
  if (report.slos.length === 0) return '<section><h2>SLOs</h2><p class="muted">No SLOs were declared: the verdict is a pass.</p></section>';
  const rows = report.slos.map((slo) => {
    const service = report.services.find((s) => s.name === slo.service);
    const mark = slo.ok ? '<span class="ok">&#10003; pass</span>' : '<span class="bad">&#10007; FAIL</span>';
    return tr([mark, esc(slo.name), esc(formatMeasured(slo, service)), esc(formatThreshold(slo)), esc(slo.message)], 'td', slo.ok ? '' : 'violated');
  });
  return `<section><h2>SLOs</h2>
<table class="slos"><thead>${tr(['', 'SLO', 'measured', 'limit', ''], 'th')}</thead><tbody>
${rows.join('\n')}
</tbody></table></section>`;
}

function summarySection(report: Report): string {
  if (report.services.length === 0) return '<section><h2>Services</h2><p class="muted">No service was checked.</p></section>';
  const link = (s: ServiceResult): string => `<a href="#service-${esc(s.name)}">${esc(s.name)}</a>`;
  const flag = (n: number): string => (n > 0 ? `<b class="bad">${num(n)}</b>` : num(n));
  const outcomes = report.services.map((s) =>
    tr([link(s), num(s.acknowledged), num(s.failed), num(s.unknown), flag(s.lost), num(s.unknownPresent), num(s.unknownAbsent), flag(s.unexpected), flag(s.divergent), flag(s.conflicts)]),
  );
  const reads = report.services.map((s) =>
    tr([
      link(s),
      num(s.reads.attempted),
      num(s.reads.failed),
      flag(s.reads.stale),
      esc(formatDuration(s.reads.staleAgeMs.p99Ms)),
      esc(formatDuration(s.reads.staleAgeMs.maxMs)),
      flag(s.reads.unexplained),
      esc(latencyTriple(s.reads.latency)),
    ]),
  );
  const recovery = report.services.map((s) =>
    tr([
      link(s),
      `<b>${esc(formatRto(s))}</b>${s.rto.client === null ? '' : ` <small class="muted">${esc(s.rto.client)}</small>`}${skewFlag(report, s.name, 'rto')}`,
      esc(formatDuration(s.rtoSplit.detectMs)),
      esc(formatDuration(s.rtoSplit.promoteMs)),
      `${esc(formatDuration(s.rtoSplit.rerouteMs))}${s.rtoSplit.proxyMs === undefined ? '' : ` <small class="muted">proxy ${esc(formatDuration(s.rtoSplit.proxyMs))}</small>`}${s.rtoSplit.note === null ? '' : ` <small class="muted">${esc(s.rtoSplit.note)}</small>`}`,
      esc(formatDuration(s.rpo.windowMs)),
      (s.splitBrain === null ? 'n/a' : s.splitBrain.ms > 0 ? `<b class="bad">${esc(formatDuration(s.splitBrain.ms))}</b>` : '0') + skewFlag(report, s.name, 'splitBrain'),
      esc(latencyTriple(s.phases.before.writeLatency)),
      esc(latencyTriple(s.phases.during.writeLatency)),
      esc(latencyTriple(s.phases.after.writeLatency)),
    ]),
  );
  return `<section><h2>Services</h2>
<div class="scroll"><table class="summary num" id="summary-writes"><caption>Writes</caption><thead>${tr(['service', 'acknowledged', 'failed', 'unknown', 'lost', 'unknown, present', 'unknown, absent', 'unexpected', 'divergent', 'conflicts'], 'th')}</thead><tbody>
${outcomes.join('\n')}
</tbody></table></div>
<div class="scroll"><table class="summary num" id="summary-reads"><caption>Reads from each client's local node <small class="muted">(stale-read age: p99 and max over every ok read, 0 for a fresh one)</small></caption><thead>${tr(['service', 'reads', 'failed', 'stale', 'stale age p99', 'stale age max', 'unexplained', 'read latency p50 / p99 / max'], 'th')}</thead><tbody>
${reads.join('\n')}
</tbody></table></div>
<div class="scroll"><table class="summary num" id="summary-recovery"><caption>Recovery and write latency <small class="muted">(p50 / p99 / max of acknowledged writes, by phase)</small></caption><thead>${tr(['service', 'RTO (worst client)', 'detect', 'promote', 'reroute', 'RPO window', 'split brain', 'before the outage', 'during', 'after recovery'], 'th')}</thead><tbody>
${recovery.join('\n')}
</tbody></table></div>
<p class="muted">${DEFINITIONS.map((d) => `${esc(d.term)}: ${esc(d.meaning)}`).join(' ')}</p>
</section>`;
}

/** The lag chart on its own, for a report whose lag samples have no MySQL service beside them. */
function lagSection(report: Report, axis: TimeAxis): string {
  const chart = lagChart(report, undefined, axis);
  return chart === '' ? '' : `<section class="service" id="replication-lag-section"><h2>MySQL replication lag</h2>
${chart}
</section>`;
}

function notesSection(report: Report): string {
  if (report.notes.length === 0) return '';
  return `<section><h2>Notes</h2><ul class="notes">${report.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul></section>`;
}

function formatMeasured(slo: SloResult, service: ServiceResult | undefined): string {
  switch (slo.metric) {
    case 'divergentRows':
    case 'conflicts':
      return slo.actual === null ? 'n/a' : num(slo.actual);
    case 'p99WriteMsDuringFault':
    case 'p99StaleReadMs':
    case 'splitBrainMs':
      return slo.actual === null ? 'not measured' : formatDuration(slo.actual);
    default:
      return formatSloActual(slo, service);
  }
}

function formatThreshold(slo: SloResult): string {
  switch (slo.metric) {
    case 'rtoMs':
    case 'p99WriteMsDuringFault':
    case 'p99StaleReadMs':
    case 'splitBrainMs':
      return formatDuration(slo.threshold);
    case 'lostWrites':
      return `${slo.threshold} lost writes`;
    case 'divergentRows':
      return `${slo.threshold} divergent ids or keys`;
    case 'conflicts':
      return `${slo.threshold} conflicts`;
    default:
      return String(slo.threshold);
  }
}
