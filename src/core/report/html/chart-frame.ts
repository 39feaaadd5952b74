// What the timeline and the lag chart draw alike, so the two line up on the
// page: the x scale, the fault and split-brain windows, the failover markers
// and their labels.
import type { ServiceResult } from '../../check/check-types.js';
import { describeFault, type FaultEvent } from '../../faults.js';
import type { Report } from '../report-model.js';
import { formatDuration, formatRto } from '../render-summary.js';
import { clamp, darken, escapeHtml as esc, r, seconds, textWidth } from './markup.js';
import { niceStep, tickLabel, type TimeAxis } from './time-axis.js';

export const FAULT_COLORS: Record<FaultEvent['spec']['kind'], string> = {
  power: '#d62728',
  freeze: '#1f77b4',
  isolate: '#9467bd',
  'replication-stop': '#e6a700',
  cut: '#8c564b',
  partition: '#17a2b8',
  degrade: '#a0a010',
  crash: '#d6267e',
  switchover: '#2ca02c',
};

export const SPLIT_BRAIN_COLOR = '#c2185b';

export const MARKERS = {
  detect: { color: '#3c3c3c', dash: '6 4', label: 'detected' },
  promote: { color: '#6a3d9a', dash: '2 3', label: 'promoted' },
  recovered: { color: '#1a7f37', dash: '', label: 'recovered' },
} as const;

export type MarkerKind = keyof typeof MARKERS;

export const CHART = { width: 1100, left: 70, right: 24, labelRow: 17, panelGap: 34 };

/**
 * What every chart of the page shares: the x scale of the time axis, the
 * fault windows, the failover markers of the service (none without one), and
 * their labels packed in rows above the plots.
 */
export interface ChartFrame {
  plotLeft: number;
  plotRight: number;
  span: number;
  x: (sec: number) => number;
  faults: { f: FaultEvent; x0: number; x1: number; text: string }[];
  markers: { kind: MarkerKind; ms: number; x: number }[];
  labels: PlacedLabel[];
  /** Where the first panel's title row starts, below the label rows. */
  top: number;
}

export function chartFrame(report: Report, s: ServiceResult | undefined, axis: TimeAxis): ChartFrame {
  const plotLeft = CHART.left;
  const plotRight = CHART.width - CHART.right;
  const span = Math.max(axis.max - axis.min, 1e-3);
  const x = (sec: number): number => plotLeft + ((sec - axis.min) / span) * (plotRight - plotLeft);
  const xMs = (ms: number): number => x(axis.rel(ms));

  // Labels of faults and markers go in rows above the plots, as many as it
  // takes for no two to overlap.
  const faults = report.faults.map((f) => ({
    f,
    x0: xMs(f.appliedMs),
    x1: f.healedMs === null ? plotRight : xMs(f.healedMs),
    text: `${describeFault(f.spec)}${f.healedMs === null ? ' (not healed)' : ''}`,
  }));
  const markers = s === undefined ? [] : markerTimes(report, s).map((m) => ({ ...m, x: xMs(m.ms) }));
  const labels = packLabels(
    [
      ...faults.map((f) => ({ x: clamp(f.x0, plotLeft, plotRight), text: f.text, color: FAULT_COLORS[f.f.spec.kind], kind: 'fault' as const })),
      ...markers.map((m) => ({ x: m.x, text: m.kind === 'recovered' && s !== undefined ? `recovered: RTO ${formatRto(s)}` : MARKERS[m.kind].label, color: MARKERS[m.kind].color, kind: 'marker' as const })),
    ],
    plotLeft,
    plotRight,
  );
  const labelRows = labels.reduce((n, l) => Math.max(n, l.row + 1), 0);
  const top = 8 + labelRows * CHART.labelRow + 6;
  return { plotLeft, plotRight, span, x, faults, markers, labels, top };
}

/** Panels one under another, each under its title row; the x axis goes under the last. */
export function stackPanels(top: number, heights: readonly number[]): { boxes: { y0: number; y1: number }[]; axisY: number; height: number } {
  let y = top;
  const boxes: { y0: number; y1: number }[] = [];
  for (const h of heights) {
    y += 20; // the panel's title
    boxes.push({ y0: y, y1: y + h });
    y += h + CHART.panelGap;
  }
  const axisY = boxes[boxes.length - 1]!.y1;
  return { boxes, axisY, height: axisY + 44 };
}

/** The milestones of the worst client's longest gap, counted from the fault it belongs to. */
function markerTimes(report: Report, s: ServiceResult): { kind: MarkerKind; ms: number }[] {
  const fault = report.faults.find((f) => f.id === s.rtoSplit.faultId);
  const out: { kind: MarkerKind; ms: number }[] = [];
  const { detectMs, promoteMs } = s.rtoSplit;
  if (fault !== undefined && detectMs !== null) out.push({ kind: 'detect', ms: fault.requestedMs + detectMs });
  if (fault !== undefined && detectMs !== null && promoteMs !== null) out.push({ kind: 'promote', ms: fault.requestedMs + detectMs + promoteMs });
  const end = s.rto.gap?.endMs;
  if (end !== null && end !== undefined && !s.rto.gap?.interrupted) out.push({ kind: 'recovered', ms: end });
  return out;
}

/** What a marker at `ms` means; a promotion names the node promoted at that instant. */
export function markerMeaning(kind: MarkerKind, s: ServiceResult, ms: number): string {
  switch (kind) {
    case 'detect':
      return `the failover machinery detected the failure, ${formatDuration(s.rtoSplit.detectMs)} after the fault`;
    case 'promote':
      return `${s.promotions.find((p) => Math.abs(p.atMs - ms) < 1)?.node ?? 'a new writer'} promoted, ${formatDuration(s.rtoSplit.promoteMs)} after detection`;
    case 'recovered':
      return `worst client${s.rto.client === null ? '' : ` (${s.rto.client})`} writing durably again (RTO ${formatRto(s)})`;
  }
}

export interface PlacedLabel {
  x: number;
  text: string;
  color: string;
  kind: 'fault' | 'marker';
  row: number;
  anchorEnd: boolean;
}

function packLabels(items: Omit<PlacedLabel, 'row' | 'anchorEnd'>[], left: number, right: number): PlacedLabel[] {
  const rowEnds: number[] = [];
  const sorted = [...items].sort((a, b) => a.x - b.x);
  return sorted.map((item) => {
    const w = textWidth(item.text) + 8;
    const anchorEnd = item.x + w > right;
    const from = anchorEnd ? item.x - w : item.x;
    const to = anchorEnd ? item.x : item.x + w;
    let row = rowEnds.findIndex((end) => end + 6 < from);
    if (row === -1) row = rowEnds.length;
    rowEnds[row] = Math.max(to, rowEnds[row] ?? left);
    return { ...item, row, anchorEnd };
  });
}

/** Fault windows, behind everything, across every panel. */
export function faultWindows(frame: ChartFrame, axis: TimeAxis, firstY: number, axisY: number): string[] {
  const { plotLeft, plotRight } = frame;
  return frame.faults.map((f) => {
    const x0 = clamp(f.x0, plotLeft, plotRight);
    const x1 = clamp(Math.max(f.x1, f.x0 + 1), plotLeft, plotRight);
    return `<rect class="fault fault-${f.f.spec.kind}" data-fault="${esc(f.f.id)}" x="${r(x0)}" y="${r(firstY - 20)}" width="${r(Math.max(1, x1 - x0))}" height="${r(axisY - firstY + 20)}" fill="${FAULT_COLORS[f.f.spec.kind]}" fill-opacity="0.09" stroke="${FAULT_COLORS[f.f.spec.kind]}" stroke-opacity="0.45" stroke-dasharray="3 3"><title>${esc(faultTitle(f.f, axis))}</title></rect>`;
  });
}

function faultTitle(f: FaultEvent, axis: TimeAxis): string {
  const healed = f.healedMs === null ? 'not healed' : `healed at +${seconds(axis.rel(f.healedMs))} (${formatDuration(f.healedMs - f.appliedMs)})`;
  return `${describeFault(f.spec)}: applied at +${seconds(axis.rel(f.appliedMs))}, ${healed}`;
}

/** Split-brain intervals, shaded over the fault windows: two or more nodes took writes then. */
export function splitBrainWindows(s: ServiceResult, frame: ChartFrame, axis: TimeAxis, firstY: number, axisY: number): string[] {
  const { plotLeft, plotRight, x } = frame;
  return (s.splitBrain?.intervals ?? []).map((iv) => {
    const x0 = clamp(x(axis.rel(iv.startMs)), plotLeft, plotRight);
    const x1 = clamp(x(axis.rel(iv.endMs)), plotLeft, plotRight);
    const title = `split brain: ${iv.nodes.join(' and ')} acknowledged writes at once from +${seconds(axis.rel(iv.startMs))} to +${seconds(axis.rel(iv.endMs))} (${formatDuration(iv.endMs - iv.startMs)})`;
    return `<rect class="split-brain" x="${r(x0)}" y="${r(firstY - 20)}" width="${r(Math.max(1, x1 - x0))}" height="${r(axisY - firstY + 20)}" fill="${SPLIT_BRAIN_COLOR}" fill-opacity="0.16" stroke="${SPLIT_BRAIN_COLOR}" stroke-width="1.5"><title>${esc(title)}</title></rect>`;
  });
}

/** The x axis, shared by the panels: seconds since the drill started. */
export function xAxis(frame: ChartFrame, axis: TimeAxis, axisY: number): string[] {
  const { plotLeft, plotRight, x, span } = frame;
  const out: string[] = [];
  const step = niceStep(span, 14, [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600]);
  out.push(`<g class="x-axis"><line x1="${plotLeft}" x2="${plotRight}" y1="${r(axisY)}" y2="${r(axisY)}" stroke="#444"/>`);
  for (let t = Math.ceil(axis.min / step) * step; t <= axis.max + 1e-9; t += step) {
    const tx = x(t);
    out.push(`<line x1="${r(tx)}" x2="${r(tx)}" y1="${r(axisY)}" y2="${r(axisY + 5)}" stroke="#444"/><text x="${r(tx)}" y="${r(axisY + 18)}" text-anchor="middle">${esc(tickLabel(t, step))}</text>`);
  }
  out.push(`<text class="axis-title" x="${r((plotLeft + plotRight) / 2)}" y="${r(axisY + 38)}" text-anchor="middle">seconds since the drill started</text></g>`);
  return out;
}

/** Failover markers across every panel, over the data. */
export function markerLines(frame: ChartFrame, axis: TimeAxis, axisY: number): string[] {
  return frame.markers.map((m) => {
    const style = MARKERS[m.kind];
    return `<line class="marker marker-${m.kind}" x1="${r(m.x)}" x2="${r(m.x)}" y1="${r(frame.top - 4)}" y2="${r(axisY)}" stroke="${style.color}" stroke-width="1.6"${style.dash === '' ? '' : ` stroke-dasharray="${style.dash}"`}><title>${esc(`${style.label} at +${seconds(axis.rel(m.ms))} (${formatDuration(m.ms - (axis.outageStartMs ?? m.ms))} after the outage started)`)}</title></line>`;
  });
}

export function labelMarks(frame: ChartFrame): string[] {
  return frame.labels.map((l) => {
    const ly = 8 + l.row * CHART.labelRow + 12;
    const anchor = l.anchorEnd ? 'end' : 'start';
    const tx = l.anchorEnd ? l.x - 3 : l.x + 3;
    return `<g class="label label-${l.kind}"><line x1="${r(l.x)}" x2="${r(l.x)}" y1="${r(ly - 11)}" y2="${r(frame.top - 4)}" stroke="${l.color}" stroke-opacity="0.6"/><text x="${r(tx)}" y="${r(ly)}" text-anchor="${anchor}" fill="${darken(l.color)}">${esc(l.text)}</text></g>`;
  });
}
