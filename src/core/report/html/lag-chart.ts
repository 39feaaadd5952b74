// MySQL replication lag per replica, on the page's time axis under the same
// frame as the timeline, so lag can be read against the faults and failover.
import type { ServiceResult } from '../../check/check-types.js';
import type { LagSeries } from '../../manager-log.js';
import type { Report } from '../report-model.js';
import { formatDuration } from '../render-summary.js';
import { CHART, chartFrame, faultWindows, labelMarks, markerLines, stackPanels, xAxis, type ChartFrame } from './chart-frame.js';
import { escapeHtml as esc, num, r, seconds, trimNumber } from './markup.js';
import { lineKey, linearScale, yGrid } from './panels.js';
import type { TimeAxis } from './time-axis.js';

/** Lag samples further apart than this are not joined by a line: nothing was measured in between. */
const LAG_GAP_MS = 2500;
const LAG_STRIP_ROW = 14;
const REPLICA_COLORS = ['#00897b', '#c2185b', '#5e35b1', '#ef6c00', '#6d4c41', '#3949ab', '#7cb342', '#546e7a'];

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
export function lagChart(report: Report, s: ServiceResult | undefined, axis: TimeAxis): string {
  // A group's section shows its own replicas; the section of a report without MySQL groups shows every series.
  const lag = (report.replicationLag ?? []).filter((l) => l.samples.length > 0 && (s === undefined || l.service === s.name));
  const id = s === undefined || s.name === 'mysql' ? 'replication-lag' : `replication-lag-${s.name}`;
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
    `<svg class="timeline lag" id="${esc(id)}" viewBox="0 0 ${CHART.width} ${height}" width="${CHART.width}" height="${height}" role="img" aria-label="${esc(`MySQL replication lag per replica over time (${metrics.map((m) => m.id).join(' and ')} behind), with fault windows and failover markers`)}">`,
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
