// The small text helpers of the HTML report: escaping, numbers as the page
// prints them, table rows, and the rounding that keeps the SVG short.
import type { LatencyStats } from '../../check/check-types.js';

/** Everything from a report (names from YAML, ids, server messages) is text, never markup. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export function num(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

export function tr(cells: readonly string[], tag: 'td' | 'th' = 'td', cls = ''): string {
  return `<tr${cls === '' ? '' : ` class="${cls}"`}>${cells.map((c) => `<${tag}>${c}</${tag}>`).join('')}</tr>`;
}

export function seconds(sec: number): string {
  return `${sec.toFixed(Math.abs(sec) < 100 ? 1 : 0)} s`;
}

export function trimNumber(v: number): string {
  return Number.isInteger(v) ? String(v) : String(Number(v.toFixed(3)));
}

export function latencyTriple(l: LatencyStats): string {
  if (l.count === 0) return 'n/a';
  const ms = (v: number | null): string => (v === null ? 'n/a' : v < 1000 ? `${Math.round(v)}` : `${(v / 1000).toFixed(2)} s`);
  return `${ms(l.p50Ms)} / ${ms(l.p99Ms)} / ${ms(l.maxMs)}${(l.maxMs ?? 0) < 1000 ? ' ms' : ''}`;
}

export function r(v: number): string {
  return String(Math.round(v * 10) / 10);
}

export function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}

/** Rough width of 12px sans-serif text, enough to keep labels apart. */
export function textWidth(text: string): number {
  return text.length * 6.6;
}

/** Label text in the colour of its line, dark enough to read on white. */
export function darken(hex: string): string {
  const n = Number.parseInt(hex.slice(1), 16);
  const f = (c: number): string => Math.round(c * 0.72).toString(16).padStart(2, '0');
  return `#${f((n >> 16) & 255)}${f((n >> 8) & 255)}${f(n & 255)}`;
}
