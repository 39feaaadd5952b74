// The panels a chart stacks under one x axis: a y scale, its grid, one line
// per series, and the legend key that matches a line.
import type { ServiceTimeline } from '../../check/check-types.js';
import { formatDuration } from '../render-summary.js';
import { escapeHtml as esc, r, seconds, trimNumber } from './markup.js';
import { niceStep, type TimeAxis } from './time-axis.js';

export interface Line {
  idc: string;
  color: string;
  values: (number | null)[];
}

export interface Panel {
  id: string;
  title: string;
  unit: string;
  height: number;
  log: boolean;
  lines: Line[];
}

export function drawPanel(
  p: Panel,
  box: { y0: number; y1: number },
  x: (sec: number) => number,
  tl: ServiceTimeline,
  axis: TimeAxis,
  plotLeft: number,
  plotRight: number,
): string {
  const out: string[] = [`<g class="panel panel-${p.id}">`];
  out.push(`<text class="panel-title" x="${plotLeft}" y="${r(box.y0 - 7)}">${esc(p.title)}</text>`);
  const values = p.lines.flatMap((l) => l.values).filter((v): v is number => v !== null && Number.isFinite(v));
  let y: (v: number) => number;
  let ticks: number[];
  let fmt: (v: number) => string;
  if (p.log) {
    const positive = values.filter((v) => v > 0);
    if (positive.length === 0) {
      out.push(`<rect x="${plotLeft}" y="${r(box.y0)}" width="${plotRight - plotLeft}" height="${p.height}" fill="none" stroke="#ccc"/>`);
      out.push(`<text class="muted" x="${r((plotLeft + plotRight) / 2)}" y="${r((box.y0 + box.y1) / 2)}" text-anchor="middle">no acknowledged writes</text></g>`);
      return out.join('\n');
    }
    const lo = Math.floor(Math.log10(Math.min(...positive)));
    const hi = Math.max(lo + 1, Math.ceil(Math.log10(Math.max(...positive))));
    y = (v: number): number => box.y1 - ((Math.log10(Math.max(v, 10 ** lo)) - lo) / (hi - lo)) * p.height;
    ticks = [];
    for (let e = lo; e <= hi; e++) ticks.push(10 ** e);
    fmt = (v) => (v >= 1000 ? `${v / 1000} s` : `${trimNumber(v)} ms`);
  } else {
    ({ y, ticks } = linearScale(Math.max(1, ...values), box, 0));
    fmt = (v) => trimNumber(v);
  }
  out.push(...yGrid(ticks, y, fmt, box, p.unit, plotLeft, plotRight));
  const t0 = axis.rel(tl.startMs);
  const width = tl.bucketMs / 1000;
  for (const line of p.lines) out.push(stepPath(line, (i) => x(t0 + i * width), y));
  out.push('</g>');
  return out.join('\n');
}

/** A linear y scale from 0 to a round number at or above max, in steps of at least minStep. */
export function linearScale(max: number, box: { y0: number; y1: number }, minStep: number): { y: (v: number) => number; ticks: number[] } {
  const height = box.y1 - box.y0;
  const step = Math.max(minStep, niceStep(max, 4, null));
  const top = Math.ceil(max / step) * step;
  const ticks: number[] = [];
  for (let v = 0; v <= top + 1e-9; v += step) ticks.push(v);
  return { y: (v: number): number => box.y1 - (v / top) * height, ticks };
}

/** Grid lines and tick labels of a panel, its y axis, and the unit above it. */
export function yGrid(ticks: readonly number[], y: (v: number) => number, fmt: (v: number) => string, box: { y0: number; y1: number }, unit: string, plotLeft: number, plotRight: number): string[] {
  const out: string[] = [];
  for (const t of ticks) {
    const ty = y(t);
    out.push(`<line class="grid" x1="${plotLeft}" x2="${plotRight}" y1="${r(ty)}" y2="${r(ty)}" stroke="#e3e3e3"/>`);
    out.push(`<text class="tick" x="${plotLeft - 6}" y="${r(ty + 4)}" text-anchor="end">${esc(fmt(t))}</text>`);
  }
  out.push(`<line x1="${plotLeft}" x2="${plotLeft}" y1="${r(box.y0)}" y2="${r(box.y1)}" stroke="#444"/>`);
  out.push(`<text class="unit" x="${plotLeft - 6}" y="${r(box.y0 - 7)}" text-anchor="end">${esc(unit)}</text>`);
  return out;
}

/** Each bucket drawn flat across its width: a count belongs to the whole bucket, not a point in it. */
function stepPath(line: Line, xAt: (bucket: number) => number, y: (v: number) => number): string {
  let d = '';
  let open = false;
  line.values.forEach((v, i) => {
    if (v === null || !Number.isFinite(v)) {
      open = false;
      return;
    }
    const yv = r(y(v));
    d += open ? `V${yv}H${r(xAt(i + 1))}` : `M${r(xAt(i))} ${yv}H${r(xAt(i + 1))}`;
    open = true;
  });
  if (d === '') return '';
  return `<path class="series" data-idc="${esc(line.idc)}" d="${d}" fill="none" stroke="${line.color}" stroke-width="1.8" stroke-linejoin="round"/>`;
}

/** Invisible columns, one per bucket, whose tooltips give the numbers behind the lines. */
export function hoverColumns(tl: ServiceTimeline, x: (sec: number) => number, axis: TimeAxis, y0: number, y1: number): string {
  const buckets = tl.series[0]?.ok.length ?? 0;
  const t0 = axis.rel(tl.startMs);
  const width = tl.bucketMs / 1000;
  const out: string[] = ['<g class="hover">'];
  for (let b = 0; b < buckets; b++) {
    const from = t0 + b * width;
    const lines = tl.series.map((x) => {
      const p99 = x.p99Ms[b];
      return `${x.idc}: ${x.ok[b]} ok, ${x.failed[b]} failed, ${x.unknown[b]} unknown${p99 === null || p99 === undefined ? '' : `, p99 ${formatDuration(p99)}`}`;
    });
    out.push(
      `<rect x="${r(x(from))}" y="${r(y0)}" width="${r(Math.max(0.5, x(from + width) - x(from)))}" height="${r(y1 - y0)}" fill="transparent"><title>${esc(`+${seconds(from)} to +${seconds(from + width)}\n${lines.join('\n')}`)}</title></rect>`,
    );
  }
  out.push('</g>');
  return out.join('');
}

/** A legend key: a short line in a series' colour. */
export function lineKey(color: string, dash: string): string {
  return `<svg width="26" height="10" aria-hidden="true"><line x1="0" x2="26" y1="5" y2="5" stroke="${color}" stroke-width="2.5"${dash === '' ? '' : ` stroke-dasharray="${dash}"`}/></svg>`;
}
