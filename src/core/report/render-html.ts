// The report as one self-contained HTML page: it must open from a CI
// artifact, a mail attachment or a laptop with no network, so there is no
// script, font or style from anywhere else. The timeline is SVG drawn here,
// and every chart of a report shares one time axis (seconds since the drill
// started) so the services can be compared by eye.
import type { PhaseStats, ServiceResult, ServiceTimeline } from '../check/check-types.js';
import type { SloResult } from '../check/slo.js';
import { describeFault, isOutageFault, startsRtoClock } from '../faults.js';
import type { LagSeries } from '../manager-log.js';
import type { Report } from './report-model.js';
import { DEFINITIONS } from './definitions.js';
import { formatDuration, formatRto, formatSloActual } from './render-summary.js';
import { escapeHtml as esc, latencyTriple, num, r, seconds, tr, trimNumber } from './html/markup.js';
import { STYLE } from './html/style.js';
import { timeAxis, type TimeAxis } from './html/time-axis.js';
import { drawPanel, hoverColumns, lineKey, linearScale, yGrid, type Panel } from './html/panels.js';
import { CHART, FAULT_COLORS, MARKERS, SPLIT_BRAIN_COLOR, chartFrame, faultWindows, labelMarks, markerLines, markerMeaning, splitBrainWindows, stackPanels, xAxis, type ChartFrame } from './html/chart-frame.js';

export { escapeHtml } from './html/markup.js';

/** Ids listed on the page per list (lost, unexpected, conflicting); report.json has them all. */
export const HTML_MAX_LOST_IDS = 200;

const IDC_COLORS = ['#1f77b4', '#e6550d', '#2ca02c', '#9467bd', '#8c564b', '#d6267e', '#17a2b8', '#7f7f7f', '#a0a010'];
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
    report.services.some((s) => s.name === 'mysql') ? '' : lagSection(report, axis),
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
      `<b>${esc(formatRto(s))}</b>${s.rto.client === null ? '' : ` <small class="muted">${esc(s.rto.client)}</small>`}`,
      esc(formatDuration(s.rtoSplit.detectMs)),
      esc(formatDuration(s.rtoSplit.promoteMs)),
      s.rtoSplit.note === null ? esc(formatDuration(s.rtoSplit.rerouteMs)) : `${esc(formatDuration(s.rtoSplit.rerouteMs))} <small class="muted">${esc(s.rtoSplit.note)}</small>`,
      esc(formatDuration(s.rpo.windowMs)),
      s.splitBrain === null ? 'n/a' : s.splitBrain.ms > 0 ? `<b class="bad">${esc(formatDuration(s.splitBrain.ms))}</b>` : '0',
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

function serviceSection(report: Report, s: ServiceResult, axis: TimeAxis): string {
  const phases = (['before', 'during', 'after'] as const).map((name) => phaseRow(name, s.phases[name]));
  const idcs = s.byIdc.map((i) => {
    const rto = s.rto.byIdc.find((x) => x.idc === i.idc);
    return tr([esc(i.idc), num(i.attempted), num(i.acknowledged), num(i.failed), num(i.unknown), i.lost > 0 ? `<b class="bad">${num(i.lost)}</b>` : num(i.lost), esc(formatDuration(i.lostWindowMs)), esc(idcRto(rto))]);
  });
  const clients = s.rto.byClient.map((c) =>
    tr([
      `<code>${esc(c.client)}</code>`,
      esc(c.idc),
      esc(c.measured ? (c.recovered ? formatDuration(c.rtoMs) : 'not recovered') : 'not measured (its IDC was down)'),
      num(c.gaps.length),
      esc(c.gaps.map((g) => `+${seconds(axis.rel(g.startMs))} for ${formatDuration(g.lengthMs)}${g.endMs === null ? ' (open)' : g.interrupted ? ' (its IDC went down)' : ''}`).join(', ') || '-'),
    ]),
  );
  const clientsTable =
    clients.length === 0
      ? ''
      : `
<table class="num" id="${esc(`rto-${s.name}`)}"><caption>RTO by client <small class="muted">(gaps without durable writes; resolution ${esc(formatDuration(s.rto.resolutionMs))})</small></caption><thead>${tr(['client', 'IDC', 'RTO', 'gaps', 'gap starts and lengths'], 'th')}</thead><tbody>
${clients.join('\n')}
</tbody></table>`;
  const readIdcs = s.reads.byIdc.map((i) =>
    tr([
      esc(i.idc),
      i.nodes.length === 0 ? 'n/a' : i.nodes.map((n) => `<code>${esc(n)}</code>`).join(' '),
      num(i.attempted),
      num(i.failed),
      i.stale > 0 ? `<b class="bad">${num(i.stale)}</b>` : num(i.stale),
      esc(formatDuration(i.p99AgeMs)),
      esc(formatDuration(i.maxAgeMs)),
    ]),
  );
  const readsTable =
    readIdcs.length === 0
      ? ''
      : `
<table class="num" id="${esc(`reads-${s.name}`)}"><caption>Stale reads by client IDC</caption><thead>${tr(['client IDC', 'nodes read', 'reads', 'failed', 'stale', 'p99 age', 'max age'], 'th')}</thead><tbody>
${readIdcs.join('\n')}
</tbody></table>`;
  const auth = s.authoritativeNode === null ? '<span class="bad">no authoritative node survived</span>' : `authoritative node <code>${esc(s.authoritativeNode)}</code>`;
  return `<section class="service" id="service-${esc(s.name)}">
<h2>${esc(s.name)} <small>${auth} &middot; RTO <b>${esc(formatRto(s))}</b> &middot; lost <b class="${s.lost > 0 ? 'bad' : ''}">${num(s.lost)}</b> of ${num(s.acknowledged)} acknowledged</small></h2>
${timelineChart(report, s, axis)}
${s.name === 'mysql' ? lagChart(report, s, axis) : ''}
<div class="tables">
<div class="scroll"><table class="num" id="${esc(`phases-${s.name}`)}"><caption>Writes and reads by phase <small class="muted">(latency of ok operations: p50, p99, max)</small></caption><thead>${tr(['phase', 'writes', 'ok', 'failed', 'unknown', 'error rate', 'write p50', 'write p99', 'write max', 'reads', 'read errors', 'read p50', 'read p99', 'read max'], 'th')}</thead><tbody>
${phases.join('\n')}
</tbody></table></div>
<table class="num"><caption>Writes by client IDC</caption><thead>${tr(['client IDC', 'attempted', 'acknowledged', 'failed', 'unknown', 'lost', 'lost window', 'RTO (client)'], 'th')}</thead><tbody>
${idcs.join('\n')}
</tbody></table>${clientsTable}${readsTable}
</div>
${idList('Lost writes', 'lost', s.name, s.lostIds, 'acknowledged and absent from the final state')}
${idList('Conflicting writes', 'conflict', s.name, s.conflictIds, 'acknowledged writes to a shared key whose value an older write from another IDC overwrote')}
${idList('Unexpected ids', 'unexpected', s.name, s.unexpectedIds, 'present in the final state but never attempted, or reported failed')}
</section>`;
}

function idcRto(rto: ServiceResult['rto']['byIdc'][number] | undefined): string {
  if (rto === undefined || !rto.measured) return 'not measured';
  return `${rto.recovered ? formatDuration(rto.rtoMs) : 'not recovered'} (${rto.client ?? ''})`;
}

function phaseRow(name: string, p: PhaseStats): string {
  const l = p.writeLatency;
  const rl = p.readLatency;
  return tr([
    name,
    num(p.ops),
    num(p.ok),
    num(p.failed),
    num(p.unknown),
    p.ops === 0 ? 'n/a' : `${(p.errorRate * 100).toFixed(1)}%`,
    esc(formatDuration(l.p50Ms)),
    esc(formatDuration(l.p99Ms)),
    esc(formatDuration(l.maxMs)),
    num(p.reads),
    p.readErrors > 0 ? `<b class="bad">${num(p.readErrors)}</b>` : num(p.readErrors),
    esc(formatDuration(rl.p50Ms)),
    esc(formatDuration(rl.p99Ms)),
    esc(formatDuration(rl.maxMs)),
  ]);
}

/** The lag chart on its own, for a report whose lag samples have no MySQL service beside them. */
function lagSection(report: Report, axis: TimeAxis): string {
  const chart = lagChart(report, undefined, axis);
  return chart === '' ? '' : `<section class="service" id="replication-lag-section"><h2>MySQL replication lag</h2>
${chart}
</section>`;
}

function idList(title: string, kind: string, service: string, ids: readonly string[], meaning: string): string {
  if (ids.length === 0) return kind === 'lost' ? `<p class="ids-none" id="${esc(`${kind}-${service}`)}">No lost writes.</p>` : '';
  const shown = ids.slice(0, HTML_MAX_LOST_IDS);
  const more = ids.length > shown.length ? ` (the first ${shown.length} shown; all ${num(ids.length)} are in report.json)` : '';
  return `<details class="ids" id="${esc(`${kind}-${service}`)}" open>
<summary>${esc(title)}: <b>${num(ids.length)}</b> <span class="muted">${esc(meaning)}${esc(more)}</span></summary>
<div class="idlist">${shown.map((id) => `<code>${esc(id)}</code>`).join(' ')}</div>
</details>`;
}

function notesSection(report: Report): string {
  if (report.notes.length === 0) return '';
  return `<section><h2>Notes</h2><ul class="notes">${report.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul></section>`;
}


function timelineChart(report: Report, s: ServiceResult, axis: TimeAxis): string {
  const tl: ServiceTimeline | undefined = s.timeline;
  const buckets = tl?.series[0]?.ok.length ?? 0;
  if (tl === undefined || buckets === 0) return '<p class="muted chart-empty">No writes were recorded for this service, so there is no timeline.</p>';
  const perSecond = 1000 / tl.bucketMs;
  const colorOf = (i: number): string => IDC_COLORS[i % IDC_COLORS.length]!;
  const panels: Panel[] = [
    {
      id: 'throughput',
      title: 'Acknowledged writes per second',
      unit: 'ok/s',
      height: 170,
      log: false,
      lines: tl.series.map((x, i) => ({ idc: x.idc, color: colorOf(i), values: x.ok.map((v) => v * perSecond) })),
    },
    {
      id: 'errors',
      title: 'Failed + unknown writes per second',
      unit: 'errors/s',
      height: 120,
      log: false,
      lines: tl.series.map((x, i) => ({ idc: x.idc, color: colorOf(i), values: x.failed.map((v, b) => (v + x.unknown[b]!) * perSecond) })),
    },
    {
      id: 'latency',
      title: 'p99 latency of acknowledged writes (log scale)',
      unit: 'ms',
      height: 120,
      log: true,
      lines: tl.series.map((x, i) => ({ idc: x.idc, color: colorOf(i), values: x.p99Ms })),
    },
  ];

  const frame = chartFrame(report, s, axis);
  const { x, plotLeft, plotRight, top } = frame;
  const { boxes: panelBoxes, axisY, height } = stackPanels(top, panels.map((p) => p.height));
  const firstY = panelBoxes[0]!.y0;

  const out: string[] = [];
  out.push(
    `<svg class="timeline" id="timeline-${esc(s.name)}" viewBox="0 0 ${CHART.width} ${height}" width="${CHART.width}" height="${height}" role="img" aria-label="${esc(`${s.name}: writes per second, errors per second and p99 latency per client IDC over time, with fault windows and failover markers`)}">`,
  );
  out.push(...faultWindows(frame, axis, firstY, axisY));
  out.push(...splitBrainWindows(s, frame, axis, firstY, axisY));
  panels.forEach((p, i) => out.push(drawPanel(p, panelBoxes[i]!, x, tl, axis, plotLeft, plotRight)));
  out.push(...xAxis(frame, axis, axisY));
  out.push(...markerLines(frame, axis, axisY));
  out.push(...labelMarks(frame));
  out.push(hoverColumns(tl, x, axis, firstY - 20, axisY));
  out.push('</svg>');

  const outageIdcs = new Set(report.faults.flatMap((f) => (isOutageFault(f.spec) ? [f.spec.idc] : [])));
  const legend = [
    ...tl.series.map((x, i) => `<span class="key">${lineKey(colorOf(i), '')}clients in ${esc(x.idc)}${outageIdcs.has(x.idc) ? ' <small>(outage IDC)</small>' : ''}</span>`),
    ...[...new Set(report.faults.map((f) => f.spec.kind))].map(
      (kind) => `<span class="key"><span class="swatch wide" style="background:${FAULT_COLORS[kind]};opacity:.35"></span>${esc(kind)} fault window</span>`,
    ),
    ...((s.splitBrain?.ms ?? 0) > 0
      ? [`<span class="key"><span class="swatch wide" style="background:${SPLIT_BRAIN_COLOR};opacity:.5"></span>split brain: ${esc((s.splitBrain?.nodes ?? []).join(' and '))} took writes at once</span>`]
      : []),
    ...frame.markers.map(
      (m) =>
        `<span class="key"><svg width="26" height="10" aria-hidden="true"><line x1="0" x2="26" y1="5" y2="5" stroke="${MARKERS[m.kind].color}" stroke-width="2"${MARKERS[m.kind].dash === '' ? '' : ` stroke-dasharray="${MARKERS[m.kind].dash}"`}/></svg>${esc(markerMeaning(m.kind, s))}</span>`,
    ),
  ];
  const bucket = tl.bucketMs === 1000 ? '1 s' : formatDuration(tl.bucketMs);
  return `<figure class="chart">
<div class="legend">${legend.join('')}</div>
<div class="chart-box">${out.join('\n')}</div>
<figcaption>Writes bucketed by invoke time (${esc(bucket)} buckets), per client IDC. Hover a column for its numbers.</figcaption>
</figure>`;
}

type LagSample = LagSeries['samples'][number];

interface LagMetric {
  id: 'transactions' | 'seconds';
  title: string;
  unit: string;
  value: (x: LagSample) => number | null;
}

const LAG_METRICS: readonly LagMetric[] = [
  {
    id: 'transactions',
    title: 'Transactions behind: executed on the primary, not yet on the replica (GTID count)',
    unit: 'trx',
    value: (x) => x.transactionsBehind,
  },
  {
    id: 'seconds',
    title: "Seconds behind, MySQL's own estimate (Seconds_Behind_Source; none while replication is stopped)",
    unit: 's',
    value: (x) => x.secondsBehind,
  },
];

/**
 * The replication lag of each MySQL replica on the page's time axis, with
 * the fault windows and the MySQL service's failover markers (s, when the
 * report has that service). Nothing when the report has no lag samples.
 */
function lagChart(report: Report, s: ServiceResult | undefined, axis: TimeAxis): string {
  const lag = (report.replicationLag ?? []).filter((l) => l.samples.length > 0);
  if (lag.length === 0) return '';
  const colorOf = (i: number): string => REPLICA_COLORS[i % REPLICA_COLORS.length]!;
  const measured = LAG_METRICS.filter((m) => lag.some((l) => l.samples.some((x) => m.value(x) !== null)));
  const metrics = measured.length > 0 ? measured : LAG_METRICS.slice(0, 1);
  const stopped = lag.some((l) => l.samples.some((x) => !x.replicating));
  const stripHeight = lag.length * LAG_STRIP_ROW;
  const frame = chartFrame(report, s, axis);
  const { boxes, axisY, height } = stackPanels(frame.top, [...metrics.map(() => 110), ...(stopped ? [stripHeight] : [])]);
  const firstY = boxes[0]!.y0;

  const out: string[] = [];
  out.push(
    `<svg class="timeline lag" id="replication-lag" viewBox="0 0 ${CHART.width} ${height}" width="${CHART.width}" height="${height}" role="img" aria-label="${esc(`MySQL replication lag per replica over time (${metrics.map((m) => m.id).join(' and ')} behind), with fault windows and failover markers`)}">`,
  );
  out.push(...faultWindows(frame, axis, firstY, axisY));
  metrics.forEach((m, i) => out.push(drawLagPanel(m, lag, boxes[i]!, frame, axis, colorOf)));
  if (stopped) out.push(drawStoppedStrip(lag, boxes[metrics.length]!, frame, axis, colorOf));
  out.push(...xAxis(frame, axis, axisY));
  out.push(...markerLines(frame, axis, axisY));
  out.push(...labelMarks(frame));
  out.push(lagHoverColumns(lag, frame, axis, firstY - 20, axisY));
  out.push('</svg>');

  const legend = [
    ...lag.map(
      (l, i) =>
        `<span class="key">${lineKey(colorOf(i), '')}replica ${esc(l.node)} <small>(at most ${l.maxTransactionsBehind === null ? 'n/a' : num(l.maxTransactionsBehind)} transactions behind)</small></span>`,
    ),
    ...(stopped ? ['<span class="key"><span class="swatch wide" style="background:#555;opacity:.6"></span>replica not replicating (IO or SQL thread stopped)</span>'] : []),
  ];
  return `<figure class="chart" id="lag-figure">
<h3>Replication lag of the MySQL replicas</h3>
<div class="legend">${legend.join('')}</div>
<div class="chart-box">${out.join('\n')}</div>
<figcaption>Sampled by the failover manager about once a second while the primary answered, on the same time axis as the timeline; a gap in a line is a stretch with no sample (samples more than ${esc(formatDuration(LAG_GAP_MS))} apart are not joined). Hover a column for its numbers.</figcaption>
</figure>`;
}

/** Lag samples further apart than this are not joined by a line: nothing was measured in between. */
const LAG_GAP_MS = 2500;
const LAG_STRIP_ROW = 14;
const REPLICA_COLORS = ['#00897b', '#c2185b', '#5e35b1', '#ef6c00', '#6d4c41', '#3949ab', '#7cb342', '#546e7a'];

function drawLagPanel(m: LagMetric, lag: readonly LagSeries[], box: { y0: number; y1: number }, frame: ChartFrame, axis: TimeAxis, colorOf: (i: number) => string): string {
  const { plotLeft, plotRight, x } = frame;
  const out: string[] = [`<g class="panel panel-lag-${m.id}">`];
  out.push(`<text class="panel-title" x="${plotLeft}" y="${r(box.y0 - 7)}">${esc(m.title)}</text>`);
  let max = 1;
  for (const l of lag) for (const sample of l.samples) max = Math.max(max, m.value(sample) ?? 0);
  // Transactions and MySQL's seconds are whole numbers: no fractional ticks.
  const { y, ticks } = linearScale(max, box, 1);
  out.push(...yGrid(ticks, y, trimNumber, box, m.unit, plotLeft, plotRight));
  lag.forEach((l, i) => out.push(lagLine(l, m, colorOf(i), (ms) => x(axis.rel(ms)), y)));
  out.push('</g>');
  return out.join('\n');
}

/**
 * One vertex per sample that has a value, joined while the samples are close
 * together; a sample with no neighbour to join is drawn as a dot.
 */
function lagLine(l: LagSeries, m: LagMetric, color: string, xMs: (ms: number) => number, y: (v: number) => number): string {
  const runs: { x: number; y: number }[][] = [];
  let run: { x: number; y: number }[] = [];
  let prevAt = -Infinity;
  for (const sample of l.samples) {
    const v = m.value(sample);
    if (v === null || !Number.isFinite(v) || sample.at - prevAt > LAG_GAP_MS) {
      if (run.length > 0) runs.push(run);
      run = [];
    }
    prevAt = sample.at;
    if (v !== null && Number.isFinite(v)) run.push({ x: xMs(sample.at), y: y(v) });
  }
  if (run.length > 0) runs.push(run);
  const d = runs
    .filter((pts) => pts.length > 1)
    .map((pts) => pts.map((p, i) => `${i === 0 ? 'M' : 'L'}${r(p.x)} ${r(p.y)}`).join(''))
    .join('');
  const out: string[] = [];
  if (d !== '') out.push(`<path class="lag-series" data-node="${esc(l.node)}" d="${d}" fill="none" stroke="${color}" stroke-width="1.8" stroke-linejoin="round"/>`);
  for (const pts of runs) if (pts.length === 1) out.push(`<circle class="lag-point" data-node="${esc(l.node)}" cx="${r(pts[0]!.x)}" cy="${r(pts[0]!.y)}" r="2.5" fill="${color}"/>`);
  return out.join('\n');
}

/** A row per replica, barred where its samples said it was not replicating. */
function drawStoppedStrip(lag: readonly LagSeries[], box: { y0: number; y1: number }, frame: ChartFrame, axis: TimeAxis, colorOf: (i: number) => string): string {
  const { plotLeft, plotRight, x } = frame;
  const out: string[] = ['<g class="panel panel-lag-stopped">'];
  out.push(`<text class="panel-title" x="${plotLeft}" y="${r(box.y0 - 7)}">Not replicating (the replica's IO or SQL thread was stopped when sampled)</text>`);
  lag.forEach((l, i) => {
    const y0 = box.y0 + i * LAG_STRIP_ROW;
    const name = l.node.length > 10 ? `${l.node.slice(0, 9)}\u2026` : l.node;
    out.push(`<line class="grid" x1="${plotLeft}" x2="${plotRight}" y1="${r(y0 + LAG_STRIP_ROW)}" y2="${r(y0 + LAG_STRIP_ROW)}" stroke="#e3e3e3"/>`);
    out.push(`<text class="tick" x="${plotLeft - 6}" y="${r(y0 + 10)}" text-anchor="end">${esc(name)}</text>`);
    // Consecutive stopped samples close together make one bar, from the first to the last.
    let from: number | null = null;
    let to = 0;
    const bar = (): void => {
      if (from === null) return;
      const x0 = x(axis.rel(from));
      out.push(`<rect class="not-replicating" data-node="${esc(l.node)}" x="${r(x0)}" y="${r(y0 + 2)}" width="${r(Math.max(2, x(axis.rel(to)) - x0))}" height="${LAG_STRIP_ROW - 4}" fill="${colorOf(i)}" fill-opacity="0.75"/>`);
      from = null;
    };
    for (const sample of l.samples) {
      if (sample.replicating || (from !== null && sample.at - to > LAG_GAP_MS)) bar();
      if (sample.replicating) continue;
      from ??= sample.at;
      to = sample.at;
    }
    bar();
  });
  out.push(`<line x1="${plotLeft}" x2="${plotLeft}" y1="${r(box.y0)}" y2="${r(box.y1)}" stroke="#444"/>`);
  out.push('</g>');
  return out.join('\n');
}

/** Invisible columns whose tooltips give each replica's last sample in them. */
function lagHoverColumns(lag: readonly LagSeries[], frame: ChartFrame, axis: TimeAxis, y0: number, y1: number): string {
  const width = Math.max(1, Math.ceil(frame.span / 600));
  const columns = new Map<number, Map<string, LagSample>>();
  for (const l of lag) {
    for (const sample of l.samples) {
      const c = Math.floor((axis.rel(sample.at) - axis.min) / width);
      const column = columns.get(c) ?? new Map<string, LagSample>();
      column.set(l.node, sample);
      columns.set(c, column);
    }
  }
  const out: string[] = ['<g class="hover">'];
  for (const [c, column] of [...columns].sort((a, b) => a[0] - b[0])) {
    const from = axis.min + c * width;
    const lines = lag.flatMap((l) => {
      const x = column.get(l.node);
      if (x === undefined) return [];
      const trx = x.transactionsBehind === null ? 'transactions behind n/a' : `${num(x.transactionsBehind)} transactions behind`;
      const sec = x.secondsBehind === null ? 'MySQL estimate n/a' : `MySQL estimate ${x.secondsBehind} s`;
      return [`${l.node} at +${seconds(axis.rel(x.at))}: ${trx}, ${sec}${x.replicating ? '' : ', not replicating'}`];
    });
    out.push(
      `<rect x="${r(frame.x(from))}" y="${r(y0)}" width="${r(Math.max(0.5, frame.x(from + width) - frame.x(from)))}" height="${r(y1 - y0)}" fill="transparent"><title>${esc(`+${seconds(from)} to +${seconds(from + width)}\n${lines.join('\n')}`)}</title></rect>`,
    );
  }
  out.push('</g>');
  return out.join('');
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
