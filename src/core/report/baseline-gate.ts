// The regression gate of `hadrill compare --baseline`: a drill judged against
// a saved earlier one, service by service, so a CI job fails when a change
// made failover slower or lost more writes than the baseline did, even while
// every SLO still holds.
import type { IncompleteService, ServiceResult } from '../check/check-types.js';
import { parseDuration } from '../duration.js';
import { HadrillError } from '../errors.js';
import type { Report } from './report-model.js';
import { alignTable, formatDuration } from './render-summary.js';

/**
 * RTOs of the same drill move by a second or two between runs (where in a
 * probe interval or a backup cycle the fault lands: docs/tiers.md), so a gate
 * at 0 s would fail at random. 2 s lets that jitter through and still catches
 * a failover that got a detection interval slower.
 */
export const DEFAULT_MAX_RTO_INCREASE = '2s';
/** A tier that loses nothing must keep losing nothing: one lost write more is a regression. */
export const DEFAULT_MAX_LOST_INCREASE = '0';

export type Tolerance = { kind: 'absolute'; value: number } | { kind: 'percent'; percent: number };

export interface GateTolerances {
  /** absolute: milliseconds. */
  rto: Tolerance;
  /** absolute: writes. */
  lost: Tolerance;
}

const PERCENT = /^(\d+(?:\.\d+)?)\s*%$/;

function percentOf(text: string): number | null {
  const match = PERCENT.exec(text.trim());
  if (!match) return null;
  const percent = Number(match[1]);
  return Number.isFinite(percent) && percent <= 10_000 ? percent : null;
}

/** --max-rto-increase: a duration ("2s", "500ms") or a share of the baseline's RTO ("20%"). */
export function parseRtoTolerance(text: string, flag = '--max-rto-increase'): Tolerance {
  const percent = percentOf(text);
  if (percent !== null) return { kind: 'percent', percent };
  if (/^\s*\d+(?:\.\d+)?\s*$/.test(text) && Number(text) !== 0) {
    // In a scenario a bare number is milliseconds; on a command line "2" more likely means seconds, so it is refused.
    throw new HadrillError('usage', `${flag} ${text}: a number without a unit.`, { hint: `Write ${text.trim()}s or ${text.trim()}ms, or a percentage of the baseline's RTO such as 20%.` });
  }
  const ms = /^\s*0+(?:\.0+)?\s*$/.test(text) ? 0 : parseDuration(text);
  if (ms === null) {
    throw new HadrillError('usage', `${flag} ${JSON.stringify(text)}: not a duration or a percentage.`, {
      hint: `Give how much longer the RTO may get than the baseline's: a duration such as 2s or 500ms, or a share of the baseline's RTO such as 20%. Default: ${DEFAULT_MAX_RTO_INCREASE}.`,
    });
  }
  return { kind: 'absolute', value: ms };
}

/** --max-lost-increase: a whole number of writes, or a share of the baseline's lost writes ("5%"). */
export function parseLostTolerance(text: string, flag = '--max-lost-increase'): Tolerance {
  const percent = percentOf(text);
  if (percent !== null) return { kind: 'percent', percent };
  const trimmed = text.trim();
  if (!/^\d{1,9}$/.test(trimmed)) {
    throw new HadrillError('usage', `${flag} ${JSON.stringify(text)}: not a whole number of writes or a percentage.`, {
      hint: `Give how many more lost writes than the baseline's are allowed, e.g. 0 or 10, or a share of the baseline's such as 5%. Default: ${DEFAULT_MAX_LOST_INCREASE}.`,
    });
  }
  return { kind: 'absolute', value: Number(trimmed) };
}

export type GateVerdict = 'ok' | 'worse' | 'better' | 'new' | 'missing';

/**
 * A figure as its report gives it: a number (RTO in ms, lost writes), or why
 * there is none: the service never recovered, had no outage to measure, could
 * not be checked, or is not in that report at all (null).
 */
export type GateValue = number | 'not recovered' | 'not measured' | 'not checked' | null;

export interface GateCell {
  baseline: GateValue;
  current: GateValue;
  /** current - baseline, when both are numbers (an unmeasured RTO counts as 0). */
  delta: number | null;
  /** How much worse the current figure may be; null when there is no baseline figure to add it to. */
  allowed: number | null;
  verdict: GateVerdict;
}

export interface GateService {
  name: string;
  /** missing or new for the whole service; else the worst of its two cells (worse, then better, then ok). */
  verdict: GateVerdict;
  rto: GateCell;
  lostWrites: GateCell;
  notes: string[];
}

export interface GateSide {
  /** Where the report was read from, as the user named it. */
  source: string;
  scenario: string;
  tier: string;
  run: string;
}

export interface GateResult {
  baseline: GateSide;
  current: GateSide;
  tolerances: { maxRtoIncrease: string; maxLostIncrease: string };
  services: GateService[];
  /** fail when a service got worse beyond the tolerances, stopped recovering, or is missing from the current report. */
  verdict: 'pass' | 'fail';
  /** One line per reason the gate failed. */
  regressions: string[];
  /** What makes the comparison less like-for-like than it looks (another scenario, another tier). */
  warnings: string[];
}

/** What the gate reads of a report; a whole Report is one. */
export interface GateReport {
  scenario: Pick<Report['scenario'], 'name' | 'tier'>;
  run: string;
  services: readonly Pick<ServiceResult, 'name' | 'rtoMs' | 'recovered' | 'lost'>[];
  incomplete?: readonly Pick<IncompleteService, 'name' | 'reason'>[];
}

export interface GateInput {
  baseline: { source: string; report: GateReport };
  current: { source: string; report: GateReport };
  tolerances: GateTolerances;
}

// RTOs are fractional milliseconds: "exactly at the tolerance" must not fail on the last bit of a float.
const EPSILON = 1e-6;

export function gateBaseline(input: GateInput): GateResult {
  const { baseline, current, tolerances } = input;
  const names = [...new Set([...serviceNames(baseline.report), ...serviceNames(current.report)])];
  const common = names.filter((n) => serviceNames(baseline.report).includes(n) && serviceNames(current.report).includes(n));
  if (common.length === 0) {
    throw new HadrillError('usage', `The baseline ${baseline.source} and ${current.source} have no service in common (baseline: ${list(serviceNames(baseline.report))}; current: ${list(serviceNames(current.report))}).`, {
      hint: 'Services are matched by their group name in the scenario: compare against a baseline drill of the same topology (or refresh the baseline).',
    });
  }
  const services = names.map((name) => gateService(name, baseline.report, current.report, tolerances));
  const regressions = services.flatMap(regressionLines);
  const warnings: string[] = [];
  if (baseline.report.scenario.name !== current.report.scenario.name) {
    warnings.push(`The baseline is a drill of scenario "${baseline.report.scenario.name}" and the current one of "${current.report.scenario.name}": services are compared by name.`);
  }
  if (baseline.report.scenario.tier !== current.report.scenario.tier) {
    warnings.push(`The baseline's tier is "${baseline.report.scenario.tier}" and the current one's "${current.report.scenario.tier}".`);
  }
  return {
    baseline: side(baseline.source, baseline.report),
    current: side(current.source, current.report),
    tolerances: { maxRtoIncrease: describeTolerance(tolerances.rto, true), maxLostIncrease: describeTolerance(tolerances.lost, false) },
    services,
    verdict: regressions.length === 0 ? 'pass' : 'fail',
    regressions,
    warnings,
  };
}

function serviceNames(report: GateReport): string[] {
  return [...report.services.map((s) => s.name), ...(report.incomplete ?? []).map((i) => i.name)];
}

function side(source: string, report: GateReport): GateSide {
  return { source, scenario: report.scenario.name, tier: report.scenario.tier, run: report.run };
}

function list(names: readonly string[]): string {
  return names.length === 0 ? 'none' : names.join(', ');
}

type Found =
  | { state: 'checked'; service: Pick<ServiceResult, 'name' | 'rtoMs' | 'recovered' | 'lost'> }
  | { state: 'not checked'; reason: string }
  | { state: 'absent' };

function find(report: GateReport, name: string): Found {
  const service = report.services.find((s) => s.name === name);
  if (service) return { state: 'checked', service };
  const incomplete = (report.incomplete ?? []).find((i) => i.name === name);
  return incomplete ? { state: 'not checked', reason: incomplete.reason } : { state: 'absent' };
}

function gateService(name: string, baselineReport: GateReport, currentReport: GateReport, tolerances: GateTolerances): GateService {
  const b = find(baselineReport, name);
  const c = find(currentReport, name);
  const notes: string[] = [];
  if (c.state !== 'checked') {
    // The gate cannot vouch for a service it has no figures of: a renamed or dropped group, or a failed final read.
    const why = c.state === 'absent' ? 'not in the current report' : `not checked in the current drill: ${c.reason}`;
    notes.push(why);
    const cell = (value: (s: Pick<ServiceResult, 'rtoMs' | 'recovered' | 'lost'>) => GateValue): GateCell => ({
      baseline: b.state === 'checked' ? value(b.service) : b.state === 'absent' ? null : 'not checked',
      current: c.state === 'absent' ? null : 'not checked',
      delta: null,
      allowed: null,
      verdict: 'missing',
    });
    return { name, verdict: 'missing', rto: cell(rtoValue), lostWrites: cell((s) => s.lost), notes };
  }
  if (b.state !== 'checked') {
    notes.push(b.state === 'absent' ? 'not in the baseline: nothing to compare with (refresh the baseline to gate it)' : `not checked in the baseline drill (${b.reason}): nothing to compare with`);
    const cell = (value: GateValue): GateCell => ({ baseline: b.state === 'absent' ? null : 'not checked', current: value, delta: null, allowed: null, verdict: 'new' });
    return { name, verdict: 'new', rto: cell(rtoValue(c.service)), lostWrites: cell(c.service.lost), notes };
  }
  const rto = rtoCell(b.service, c.service, tolerances.rto, notes);
  const lostWrites = numberCell(b.service.lost, c.service.lost, allowedLost(b.service.lost, tolerances.lost));
  const verdicts = [rto.verdict, lostWrites.verdict];
  const verdict = verdicts.includes('worse') ? 'worse' : verdicts.includes('better') ? 'better' : 'ok';
  return { name, verdict, rto, lostWrites, notes };
}

function rtoValue(s: Pick<ServiceResult, 'rtoMs' | 'recovered'>): GateValue {
  if (s.rtoMs !== null) return s.rtoMs;
  return s.recovered ? 'not measured' : 'not recovered';
}

function rtoCell(b: Pick<ServiceResult, 'rtoMs' | 'recovered'>, c: Pick<ServiceResult, 'rtoMs' | 'recovered'>, tolerance: Tolerance, notes: string[]): GateCell {
  const baseline = rtoValue(b);
  const current = rtoValue(c);
  if (baseline === 'not recovered' || current === 'not recovered') {
    // Never recovering is worse than any RTO, and recovering better than none.
    const verdict = baseline === current ? 'ok' : current === 'not recovered' ? 'worse' : 'better';
    if (verdict === 'worse') notes.push('recovered in the baseline, not in the current drill');
    return { baseline, current, delta: null, allowed: typeof baseline === 'number' ? allowedRto(baseline, tolerance) : null, verdict };
  }
  // No outage measured is no time without writes: compared as 0, so an outage that appears is seen.
  if (baseline === 'not measured' && current !== 'not measured') notes.push('no RTO measured in the baseline (no outage): compared as 0');
  if (current === 'not measured' && baseline !== 'not measured') notes.push('no RTO measured in the current drill (no outage): compared as 0');
  const bMs = typeof baseline === 'number' ? baseline : 0;
  const cMs = typeof current === 'number' ? current : 0;
  return { ...numberCell(bMs, cMs, allowedRto(bMs, tolerance)), baseline, current };
}

function numberCell(baseline: number, current: number, allowed: number): GateCell {
  const delta = current - baseline;
  // Better only beyond the same tolerance: a second faster is jitter, not an improvement.
  const verdict = delta > allowed + EPSILON ? 'worse' : -delta > allowed + EPSILON ? 'better' : 'ok';
  return { baseline, current, delta, allowed, verdict };
}

function allowedRto(baselineMs: number, tolerance: Tolerance): number {
  return tolerance.kind === 'absolute' ? tolerance.value : (baselineMs * tolerance.percent) / 100;
}

/** Lost writes are whole: a share of them is rounded down (5% of 30 allows 1 more). */
function allowedLost(baseline: number, tolerance: Tolerance): number {
  return tolerance.kind === 'absolute' ? tolerance.value : Math.floor((baseline * tolerance.percent) / 100 + EPSILON);
}

function describeTolerance(t: Tolerance, ms: boolean): string {
  if (t.kind === 'percent') return `${t.percent}%`;
  return ms ? formatDuration(t.value) : String(t.value);
}

function regressionLines(s: GateService): string[] {
  if (s.verdict === 'missing') return [`${s.name}: ${s.notes[0] ?? 'missing from the current report'}`];
  const out: string[] = [];
  if (s.rto.verdict === 'worse') {
    out.push(
      s.rto.current === 'not recovered'
        ? `${s.name}: did not recover (baseline RTO ${formatValue(s.rto.baseline, true)})`
        : `${s.name}: RTO ${formatValue(s.rto.baseline, true)} -> ${formatValue(s.rto.current, true)} (${formatDelta(s.rto.delta, true)}, allowed ${formatAllowed(s.rto.allowed, true)})`,
    );
  }
  if (s.lostWrites.verdict === 'worse') {
    out.push(`${s.name}: lost writes ${formatValue(s.lostWrites.baseline, false)} -> ${formatValue(s.lostWrites.current, false)} (${formatDelta(s.lostWrites.delta, false)}, allowed ${formatAllowed(s.lostWrites.allowed, false)})`);
  }
  return out;
}

function formatValue(v: GateValue, ms: boolean): string {
  if (v === null) return '-';
  if (typeof v === 'string') return v;
  return ms ? formatDuration(v) : String(v);
}

function formatDelta(v: number | null, ms: boolean): string {
  if (v === null) return '-';
  const size = ms ? formatDuration(Math.abs(v)) : String(Math.abs(v));
  // Below a millisecond an RTO has not moved.
  if (ms ? Math.abs(v) < 0.5 : v === 0) return ms ? '0 ms' : '0';
  return `${v > 0 ? '+' : '-'}${size}`;
}

function formatAllowed(v: number | null, ms: boolean): string {
  return v === null ? '-' : `+${ms ? formatDuration(v) : String(v)}`;
}

const HEAD = ['service', 'measure', 'baseline', 'current', 'delta', 'allowed', 'verdict'];

function tableRows(result: GateResult): string[][] {
  return result.services.flatMap((s) => [
    [s.name, 'RTO', formatValue(s.rto.baseline, true), formatValue(s.rto.current, true), formatDelta(s.rto.delta, true), formatAllowed(s.rto.allowed, true), s.rto.verdict],
    [s.name, 'lost writes', formatValue(s.lostWrites.baseline, false), formatValue(s.lostWrites.current, false), formatDelta(s.lostWrites.delta, false), formatAllowed(s.lostWrites.allowed, false), s.lostWrites.verdict],
  ]);
}

function noteLines(result: GateResult): string[] {
  return result.services.flatMap((s) => s.notes.map((n) => `${s.name}: ${n}`));
}

function verdictLine(result: GateResult): string {
  const t = `RTO +${result.tolerances.maxRtoIncrease}, lost writes +${result.tolerances.maxLostIncrease}`;
  return result.verdict === 'pass'
    ? `no service got worse than the baseline beyond the tolerances (${t})`
    : `${result.regressions.length} regression${result.regressions.length === 1 ? '' : 's'} against the baseline (tolerances: ${t})`;
}

export function renderGateText(result: GateResult): string {
  const notes = noteLines(result);
  return [
    `baseline: ${result.baseline.source} (${result.baseline.scenario}, run ${result.baseline.run})`,
    `current:  ${result.current.source} (${result.current.scenario}, run ${result.current.run})`,
    '',
    ...alignTable([HEAD, ...tableRows(result)], new Set([2, 3, 4, 5])),
    '',
    ...result.warnings.map((w) => `warning: ${w}`),
    ...notes.map((n) => `note: ${n}`),
    ...(result.warnings.length + notes.length > 0 ? [''] : []),
    `gate: ${result.verdict.toUpperCase()}: ${verdictLine(result)}`,
    ...result.regressions.map((r) => `  ${r}`),
    '',
  ].join('\n');
}

export function renderGateMarkdown(result: GateResult): string {
  const mark = result.verdict === 'pass' ? '✅' : '❌';
  const out = [
    `## ${mark} hadrill gate: ${esc(result.current.scenario)} against the baseline: ${result.verdict.toUpperCase()}`,
    '',
    `Baseline ${code(result.baseline.source)} (${esc(result.baseline.scenario)}, run ${code(result.baseline.run)}); current ${code(result.current.source)} (${esc(result.current.scenario)}, run ${code(result.current.run)}).`,
    '',
    `| ${HEAD.join(' | ')} |`,
    `|${HEAD.map((_, i) => ([2, 3, 4, 5].includes(i) ? '---:' : '---')).join('|')}|`,
    ...tableRows(result).map((r) => `| ${r.map((cell, i) => (i === 6 && (cell === 'worse' || cell === 'missing') ? `**${cell}**` : esc(cell))).join(' | ')} |`),
    '',
  ];
  if (result.warnings.length > 0) out.push(...result.warnings.map((w) => `> ⚠️ ${esc(w)}`), '');
  const notes = noteLines(result);
  if (notes.length > 0) out.push(...notes.map((n) => `- ${esc(n)}`), '');
  out.push(`**${result.verdict.toUpperCase()}**: ${esc(verdictLine(result))}.`, '');
  if (result.regressions.length > 0) out.push(...result.regressions.map((r) => `- ${esc(r)}`), '');
  return out.join('\n');
}

// Names come from user YAML: a stray pipe or angle bracket must not break the table or inject HTML.
function esc(text: string): string {
  return text.replace(/[\\`*_[\]<>|#]/g, '\\$&').replace(/\r?\n/g, ' ');
}

function code(text: string): string {
  return '`' + text.replace(/`/g, "'").replace(/\|/g, '\\|').replace(/\r?\n/g, ' ') + '`';
}
