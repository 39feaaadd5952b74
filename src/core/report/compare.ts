// The tier trade-off table: several drills side by side, one row per report,
// with what each tier costs (write latency, nodes) and what it buys (RTO,
// lost writes, no conflicts or divergence).
import type { ServiceName } from '../history.js';
import type { GroupKind } from '../scenario/scenario.js';
import type { ServiceResult } from '../check/check-types.js';
import type { Report } from './report-model.js';
import { familyOf, type ReportFamilies } from './report-family.js';
import { escapeHtml } from './render-html.js';
import { alignTable, formatDuration, formatRto } from './render-summary.js';
import { FAILOVER_HEAD, FAILOVER_NOTE, FAILOVER_TITLE, failoverCells, failoverRow, type FailoverCells } from './compare-failover.js';

export interface CompareInput {
  /** Where the report was read from, as the user named it. */
  source: string;
  report: Report;
  /** Distinct nodes in final-state.json beside the report; null when that file is missing. */
  nodeCount: number | null;
}

export interface CompareService {
  name: ServiceName;
  kind: GroupKind;
  /** The family whose columns the service is shown in (several kinds can share one). */
  family: string;
  rtoMs: number | null;
  recovered: boolean;
  lost: number;
  /** From the oldest to the newest lost write's acknowledgement. */
  rpoWindowMs: number | null;
  /** Time two nodes of a one-writer service took writes at once; null for multi-writer services. */
  splitBrainMs: number | null;
  /** Write latency in steady state, before the first fault: what the tier costs every day. */
  p50Ms: number | null;
  p99Ms: number | null;
  /**
   * Write latency once recovered (the "after" phase): what clients live with
   * after the failover (for a tier that fails over to a distant city, that is
   * where its cost shows); null when the drill had no outage.
   */
  afterP50Ms: number | null;
  afterP99Ms: number | null;
  /** Stale reads in steady state (before the first fault): their share of the ok reads of the clients' local nodes, and the oldest; null when nothing was read. */
  staleShare: number | null;
  staleMaxMs: number | null;
  conflicts: number;
  divergent: number;
  /** Lost writes by cause, most first; null for a report written before causes were recorded. */
  lostCauses: { cause: string; count: number }[] | null;
}

export interface CompareRow {
  source: string;
  /** How each service failed over (the second table). */
  failovers: FailoverCells[];
  scenario: string;
  tier: string;
  run: string;
  verdict: Report['verdict'];
  services: CompareService[];
  nodes: number | null;
}

export function compareRows(inputs: readonly CompareInput[]): CompareRow[] {
  return inputs.map(({ source, report, nodeCount }) => ({
    source,
    failovers: report.services.map((s) => failoverCells(report.scenario.name, s)),
    scenario: report.scenario.name,
    tier: report.scenario.tier,
    run: report.run,
    verdict: report.verdict,
    services: report.services.map((s) => compareService(s, report.families)),
    nodes: nodeCount,
  }));
}

function compareService(s: ServiceResult, families: ReportFamilies | undefined): CompareService {
  // A null RTO with recovered set means there was no outage: every op is "before".
  const outage = !(s.rtoMs === null && s.recovered);
  const steady = s.phases.before.writeLatency;
  return {
    name: s.name,
    kind: s.kind,
    family: familyOf(families, s.kind).family,
    rtoMs: s.rtoMs,
    recovered: s.recovered,
    lost: s.lost,
    rpoWindowMs: s.rpo.windowMs,
    splitBrainMs: s.splitBrain?.ms ?? null,
    p50Ms: steady.p50Ms,
    p99Ms: steady.p99Ms,
    afterP50Ms: outage ? s.phases.after.writeLatency.p50Ms : null,
    afterP99Ms: outage ? s.phases.after.writeLatency.p99Ms : null,
    staleShare: s.phases.before.staleAge.count > 0 ? s.phases.before.staleReads / s.phases.before.staleAge.count : null,
    staleMaxMs: s.phases.before.staleAge.count > 0 ? s.phases.before.staleAge.maxMs : null,
    conflicts: s.conflicts,
    divergent: s.divergent,
    lostCauses: s.lostCauses === undefined ? null : causeCounts(s.lostCauses),
  };
}

function causeCounts(groups: NonNullable<ServiceResult['lostCauses']>): { cause: string; count: number }[] {
  return mergeCauses(groups.map((g) => ({ cause: g.cause, count: g.count })));
}

/** One line per service that lost writes: what lost them, so the table's lost column reads as a trade-off, not a score. */
export function lostCauseLines(rows: readonly CompareRow[]): string[] {
  return rows.flatMap((r) =>
    r.services
      .filter((s) => s.lost > 0)
      .map((s) => `${r.scenario} ${s.name}: ${s.lostCauses === null ? `${s.lost} lost (this report does not record why)` : s.lostCauses.map((c) => `${c.count} ${c.cause}`).join(', ')}`),
  );
}

const CAUSES_TITLE = 'Why writes were lost (hadrill explain DIR for each write):';

/**
 * The table has one group of columns per family of datastore, not per group:
 * tiers name their groups as they like (a cache per city, a sharded and a
 * global group), and a tier table compares like with like. Families are
 * shown in the order they first appear.
 */
function familiesIn(rows: readonly CompareRow[]): string[] {
  return [...new Set(rows.flatMap((r) => r.services.map((s) => s.family)))];
}

const SERVICE_COLUMNS = ['RTO', 'lost (window)', 'split brain', 'steady p50/p99', 'after p50/p99', 'conflicts', 'divergent', 'stale reads'] as const;

interface Table {
  /** Families shown, in column order: each owns SERVICE_COLUMNS.length columns after scenario and tier. */
  families: string[];
  head: string[];
  body: string[][];
  /** Column indexes holding numbers (right-aligned). */
  numeric: Set<number>;
}

function table(rows: readonly CompareRow[]): Table {
  const shown = familiesIn(rows);
  const head = ['scenario', 'tier', ...shown.flatMap((f) => SERVICE_COLUMNS.map((c) => `${f} ${c}`)), 'nodes'];
  const body = rows.map((row): string[] => [
    row.scenario,
    row.tier,
    ...shown.flatMap((f) => serviceCells(worstOf(row.services.filter((s) => s.family === f)))),
    row.nodes === null ? '-' : String(row.nodes),
  ]);
  const numeric = new Set<number>();
  for (let i = 2; i < head.length; i++) numeric.add(i);
  return { families: shown, head, body, numeric };
}

/**
 * Several groups of one family in one drill, as one cell each: the worst RTO
 * (unrecovered if any group is), the longest RPO window, split brain and
 * latencies, and the sums of lost, conflicting and divergent writes.
 */
export function worstOf(services: readonly CompareService[]): CompareService | undefined {
  if (services.length <= 1) return services[0];
  const max = (values: (number | null)[]): number | null => (values.some((v) => v !== null) ? Math.max(...values.filter((v): v is number => v !== null)) : null);
  const sum = (pick: (s: CompareService) => number): number => services.reduce((n, s) => n + pick(s), 0);
  return {
    name: services.map((s) => s.name).join('+'),
    kind: services[0]!.kind,
    family: services[0]!.family,
    recovered: services.every((s) => s.recovered),
    rtoMs: max(services.map((s) => s.rtoMs)),
    lost: sum((s) => s.lost),
    rpoWindowMs: max(services.map((s) => s.rpoWindowMs)),
    splitBrainMs: max(services.map((s) => s.splitBrainMs)),
    p50Ms: max(services.map((s) => s.p50Ms)),
    p99Ms: max(services.map((s) => s.p99Ms)),
    afterP50Ms: max(services.map((s) => s.afterP50Ms)),
    afterP99Ms: max(services.map((s) => s.afterP99Ms)),
    staleShare: max(services.map((s) => s.staleShare)),
    staleMaxMs: max(services.map((s) => s.staleMaxMs)),
    conflicts: sum((s) => s.conflicts),
    divergent: sum((s) => s.divergent),
    lostCauses: services.some((s) => s.lostCauses === null) ? null : mergeCauses(services.flatMap((s) => s.lostCauses ?? [])),
  };
}

function mergeCauses(counts: readonly { cause: string; count: number }[]): { cause: string; count: number }[] {
  const merged = new Map<string, number>();
  for (const c of counts) merged.set(c.cause, (merged.get(c.cause) ?? 0) + c.count);
  return [...merged].map(([cause, count]) => ({ cause, count })).sort((a, b) => b.count - a.count || (a.cause < b.cause ? -1 : 1));
}

function serviceCells(s: CompareService | undefined): string[] {
  if (s === undefined) return SERVICE_COLUMNS.map(() => '-');
  const lost = s.lost === 0 ? '0' : `${s.lost} (${formatDuration(s.rpoWindowMs)})`;
  const split = s.splitBrainMs === null ? '-' : s.splitBrainMs === 0 ? '0' : formatDuration(s.splitBrainMs);
  return [formatRto(s), lost, split, latencyPair(s.p50Ms, s.p99Ms), latencyPair(s.afterP50Ms, s.afterP99Ms), String(s.conflicts), String(s.divergent), staleCell(s)];
}

function staleCell(s: CompareService): string {
  if (s.staleShare === null) return '-';
  if (s.staleShare === 0) return '0';
  // A read sent the instant its client's write was acknowledged can miss it by less than a millisecond.
  const oldest = s.staleMaxMs !== null && s.staleMaxMs < 1 ? '< 1 ms' : formatDuration(s.staleMaxMs);
  return `${(100 * s.staleShare).toFixed(1)}% (max ${oldest})`;
}

function latencyPair(p50: number | null, p99: number | null): string {
  if (p50 === null || p99 === null) return 'n/a';
  if (p99 < 1000) return `${Math.round(p50)} / ${Math.round(p99)} ms`;
  return `${formatDuration(p50)} / ${formatDuration(p99)}`;
}

const LATENCY_NOTE =
  'RTO: the worst client\'s longest time without durable writes. lost (window): lost writes and the time over which they had been acknowledged. split brain: how long two nodes of a one-writer service took writes at once (- for multi-writer services). steady p50/p99: write latency of acknowledged writes in steady state, before the first fault. after p50/p99: the same once recovered (the "after" phase; n/a without an outage). conflicts: acknowledged writes to shared keys overwritten by an older write from another IDC. divergent: rows or keys that differ between the nodes in service. stale reads: in steady state (before the first fault), the share of reads of a client\'s local node that missed a write the client had already acknowledged, and the oldest such miss (how long that write had been acknowledged; - when nothing reads). nodes: distinct nodes in final-state.json. MySQL columns cover MySQL and Galera groups, Redis columns Redis groups; where a drill has several (a cache per city, a sharded and a global group), each cell is the worst of them, and lost, conflicts and divergent are their sums.';

export function renderCompareText(rows: readonly CompareRow[]): string {
  if (rows.length === 0) return 'no reports to compare\n';
  const t = table(rows);
  const causes = lostCauseLines(rows);
  const failovers = rows.flatMap((r) => r.failovers.map(failoverRow));
  return [
    ...alignTable([t.head, ...t.body], t.numeric),
    '',
    LATENCY_NOTE,
    '',
    ...(causes.length === 0 ? [] : [CAUSES_TITLE, ...causes.map((l) => `  ${l}`), '']),
    FAILOVER_TITLE,
    ...alignTable([[...FAILOVER_HEAD], ...failovers], new Set([2, 3, 4, 6])).map((l) => `  ${l}`),
    '',
    FAILOVER_NOTE,
    '',
  ].join('\n');
}

export function renderCompareMarkdown(rows: readonly CompareRow[]): string {
  const t = table(rows);
  const cell = (s: string): string => s.replace(/[\\`*_[\]<>|#]/g, '\\$&');
  const out = [
    '## hadrill: tier trade-offs',
    '',
    `| ${t.head.map(cell).join(' | ')} |`,
    `|${t.head.map((_, i) => (t.numeric.has(i) ? '---:' : '---')).join('|')}|`,
    ...t.body.map((r) => `| ${r.map(cell).join(' | ')} |`),
    '',
    LATENCY_NOTE,
    '',
  ];
  const causes = lostCauseLines(rows);
  if (causes.length > 0) out.push(CAUSES_TITLE, '', ...causes.map((l) => `- ${cell(l)}`), '');
  out.push(
    FAILOVER_TITLE,
    '',
    `| ${FAILOVER_HEAD.join(' | ')} |`,
    `|${FAILOVER_HEAD.map((_, i) => ([2, 3, 4, 6].includes(i) ? '---:' : '---')).join('|')}|`,
    ...rows.flatMap((r) => r.failovers.map((c) => `| ${failoverRow(c).map(cell).join(' | ')} |`)),
    '',
    FAILOVER_NOTE,
    '',
  );
  return out.join('\n');
}

export function renderCompareHtml(rows: readonly CompareRow[]): string {
  const t = table(rows);
  const esc = escapeHtml;
  // Two header rows: each family's name over its group of columns.
  const group = `<tr><th colspan="2"></th>${t.families.map((n) => `<th colspan="${SERVICE_COLUMNS.length}" class="group">${esc(n)}</th>`).join('')}<th></th></tr>`;
  const sub = [t.head[0]!, t.head[1]!, ...t.families.flatMap(() => [...SERVICE_COLUMNS]), t.head[t.head.length - 1]!];
  const th = `<tr>${sub.map((h, i) => `<th${t.numeric.has(i) ? ' class="n"' : ''}>${esc(h)}</th>`).join('')}</tr>`;
  const body = t.body
    .map((r, k) => {
      const cells = r.map((c, i) => `<td${t.numeric.has(i) ? ' class="n"' : ''}>${esc(c)}</td>`).join('');
      return `<tr title="${esc(rows[k]!.source)}">${cells}</tr>`;
    })
    .join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>hadrill: tier trade-offs</title>
<style>
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Arial, "Liberation Sans", "DejaVu Sans", sans-serif; color: #1d1d1f; background: #fff; }
main { padding: 24px 28px; }
h1 { font-size: 22px; margin: 0 0 14px; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
th, td { border-bottom: 1px solid #e4e4e4; padding: 6px 10px; text-align: left; white-space: nowrap; }
th { background: #f6f6f8; font-size: 12.5px; }
.n { text-align: right; }
th.group { text-align: center; border-bottom: 2px solid #ccc; }
h2 { font-size: 17px; margin: 26px 0 6px; }
.charts { display: flex; flex-wrap: wrap; gap: 18px; }
figure { margin: 0; }
figcaption { font-weight: 600; margin-bottom: 4px; }
svg text { font: 12px system-ui, sans-serif; fill: #1d1d1f; }
p { color: #555; }
</style>
</head>
<body>
<main>
<h1>hadrill: tier trade-offs</h1>
<div style="overflow-x:auto"><table>
<thead>${group}
${th}</thead>
<tbody>
${body}
</tbody>
</table></div>
<p>${esc(LATENCY_NOTE)}</p>${lostCauseLines(rows).length === 0 ? '' : `\n<h2>${esc(CAUSES_TITLE)}</h2>\n<ul>${lostCauseLines(rows).map((l) => `<li>${esc(l)}</li>`).join('')}</ul>`}
<h2>${esc(FAILOVER_TITLE)}</h2>
<div style="overflow-x:auto"><table>
<thead><tr>${FAILOVER_HEAD.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead>
<tbody>
${rows.flatMap((r) => r.failovers.map((c) => `<tr>${failoverRow(c).map((v, i) => `<td${[2, 3, 4, 6].includes(i) ? ' class="n"' : ''}>${esc(v)}</td>`).join('')}</tr>`)).join('\n')}
</tbody>
</table></div>
<p>${esc(FAILOVER_NOTE)}</p>
<h2>Each measure, scenario by scenario</h2>
<p>Every group of every family together: the worst RTO, latency and stale read; the sums of lost, conflicting and divergent writes. An unrecovered RTO is drawn as the longest bar, marked "not recovered".</p>
${charts(rows)}
</main>
</body>
</html>
`;
}

interface Measure {
  title: string;
  value(s: CompareService | undefined, row: CompareRow): number | null;
  format(v: number): string;
}

const MEASURES: Measure[] = [
  { title: 'RTO', value: (s) => (s === undefined ? null : s.recovered ? (s.rtoMs ?? 0) : Infinity), format: formatDuration },
  { title: 'lost writes', value: (s) => s?.lost ?? null, format: String },
  { title: 'steady write p50', value: (s) => s?.p50Ms ?? null, format: formatDuration },
  { title: 'steady write p99', value: (s) => s?.p99Ms ?? null, format: formatDuration },
  { title: 'conflicts', value: (s) => s?.conflicts ?? null, format: String },
  { title: 'divergent', value: (s) => s?.divergent ?? null, format: String },
  { title: 'stale reads in steady state', value: (s) => (s?.staleShare ?? null) === null ? null : 100 * s!.staleShare!, format: (v) => `${v.toFixed(1)}%` },
  { title: 'nodes', value: (_s, row) => row.nodes, format: String },
];

/** One horizontal bar chart per measure, a bar per scenario, as inline SVG (the page stays self-contained). */
function charts(rows: readonly CompareRow[]): string {
  const esc = escapeHtml;
  const label = 150;
  const width = 220;
  const bar = 18;
  const figures = MEASURES.map((m) => {
    const values = rows.map((r) => m.value(worstOf(r.services), r));
    const finite = values.filter((v): v is number => v !== null && Number.isFinite(v));
    const top = Math.max(1, ...finite);
    const bars = rows
      .map((r, i) => {
        const v = values[i] ?? null;
        const y = i * (bar + 6);
        const w = v === null ? 0 : Number.isFinite(v) ? (width * v) / top : width;
        const text = v === null ? 'n/a' : Number.isFinite(v) ? m.format(v) : 'not recovered';
        return `<text x="${label - 6}" y="${y + 13}" text-anchor="end">${esc(r.scenario)}</text><rect x="${label}" y="${y}" width="${w.toFixed(1)}" height="${bar}" fill="${Number.isFinite(v ?? 0) ? '#4a7bd0' : '#c0392b'}"/><text x="${label + w + 4}" y="${y + 13}">${esc(text)}</text>`;
      })
      .join('');
    const height = rows.length * (bar + 6);
    return `<figure><figcaption>${esc(m.title)}</figcaption><svg width="${label + width + 110}" height="${height}" role="img" aria-label="${esc(m.title)} by scenario">${bars}</svg></figure>`;
  });
  return `<div class="charts">${figures.join('\n')}</div>`;
}
