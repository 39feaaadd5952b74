// A service's writes over the drill, per client IDC: throughput, errors and
// p99 latency stacked on the shared frame, so an outage shows as the faults,
// markers and lines lining up.
import type { ServiceResult, ServiceTimeline } from '../../check/check-types.js';
import { isOutageFault } from '../../faults.js';
import type { Report } from '../report-model.js';
import { formatDuration } from '../render-summary.js';
import { CHART, FAULT_COLORS, MARKERS, SPLIT_BRAIN_COLOR, chartFrame, faultWindows, labelMarks, markerLines, markerMeaning, splitBrainWindows, stackPanels, xAxis } from './chart-frame.js';
import { escapeHtml as esc } from './markup.js';
import { drawPanel, hoverColumns, lineKey, type Panel } from './panels.js';
import type { TimeAxis } from './time-axis.js';

const IDC_COLORS = ['#1f77b4', '#e6550d', '#2ca02c', '#9467bd', '#8c564b', '#d6267e', '#17a2b8', '#7f7f7f', '#a0a010'];

export function timelineChart(report: Report, s: ServiceResult, axis: TimeAxis): string {
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
        `<span class="key"><svg width="26" height="10" aria-hidden="true"><line x1="0" x2="26" y1="5" y2="5" stroke="${MARKERS[m.kind].color}" stroke-width="2"${MARKERS[m.kind].dash === '' ? '' : ` stroke-dasharray="${MARKERS[m.kind].dash}"`}/></svg>${esc(markerMeaning(m.kind, s, m.ms))}</span>`,
    ),
  ];
  const bucket = tl.bucketMs === 1000 ? '1 s' : formatDuration(tl.bucketMs);
  return `<figure class="chart">
<div class="legend">${legend.join('')}</div>
<div class="chart-box">${out.join('\n')}</div>
<figcaption>Writes bucketed by invoke time (${esc(bucket)} buckets), per client IDC. Hover a column for its numbers.</figcaption>
</figure>`;
}
