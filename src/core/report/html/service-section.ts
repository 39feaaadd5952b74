// One service's part of the page: its headline numbers, its charts, its
// tables by phase, IDC and client, and the ids a reader goes looking for.
import type { PhaseStats, ServiceResult } from '../../check/check-types.js';
import type { Report } from '../report-model.js';
import { formatBackups, formatDuration, formatLostCause, formatPromotions, formatRto } from '../render-summary.js';
import { lagChart } from './lag-chart.js';
import { escapeHtml as esc, num, seconds, tr } from './markup.js';
import type { TimeAxis } from './time-axis.js';
import { timelineChart } from './timeline-chart.js';
import { familyOf } from '../report-family.js';

/** Ids listed on the page per list (lost, unexpected, conflicting); report.json has them all. */
export const HTML_MAX_LOST_IDS = 200;

export function serviceSection(report: Report, s: ServiceResult, axis: TimeAxis): string {
  const phases = (['before', 'during', 'after'] as const).map((name) => phaseRow(name, s.phases[name]));
  const idcs = s.byIdc.map((i) => {
    const rto = s.rto.byIdc.find((x) => x.idc === i.idc);
    const steady = `${formatDuration(i.steadyWriteLatency.p50Ms)} / ${formatDuration(i.steadyWriteLatency.p99Ms)}`;
    return tr([esc(i.idc), num(i.attempted), num(i.acknowledged), num(i.failed), num(i.unknown), i.lost > 0 ? `<b class="bad">${num(i.lost)}</b>` : num(i.lost), esc(formatDuration(i.lostWindowMs)), esc(idcRto(rto)), esc(steady)]);
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
${familyOf(report.families, s.kind).lagChart ? lagChart(report, s, axis) : ''}${machinerySummary(report, s)}
<div class="tables">
<div class="scroll"><table class="num" id="${esc(`phases-${s.name}`)}"><caption>Writes and reads by phase <small class="muted">(latency of ok operations: p50, p99, max)</small></caption><thead>${tr(['phase', 'writes', 'ok', 'failed', 'unknown', 'error rate', 'write p50', 'write p99', 'write max', 'reads', 'read errors', 'read p50', 'read p99', 'read max'], 'th')}</thead><tbody>
${phases.join('\n')}
</tbody></table></div>
<table class="num"><caption>Writes by client IDC <small class="muted">(steady: acknowledged writes before the first fault)</small></caption><thead>${tr(['client IDC', 'attempted', 'acknowledged', 'failed', 'unknown', 'lost', 'lost window', 'RTO (client)', 'steady write p50 / p99'], 'th')}</thead><tbody>
${idcs.join('\n')}
</tbody></table>${clientsTable}${readsTable}
</div>
${idList('Lost writes', 'lost', s.name, s.lostIds, 'acknowledged and absent from the final state')}
${idList('Conflicting writes', 'conflict', s.name, s.conflictIds, 'acknowledged writes to a shared key whose value an older write from another IDC overwrote')}
${idList('Unexpected ids', 'unexpected', s.name, s.unexpectedIds, 'present in the final state but never attempted, or reported failed')}
</section>`;
}

/** What the failover machinery did (promotions, with its reasons), what cold backups cost, and why writes were lost. */
function machinerySummary(report: Report, s: ServiceResult): string {
  const promotions = formatPromotions(report, s);
  const backups = formatBackups(report, s);
  const parts: string[] = [];
  if (promotions.length > 0) parts.push(`<p class="promotions" id="${esc(`promotions-${s.name}`)}">Promotions after the fault:</p><ul class="notes">${promotions.map((p) => `<li>${esc(p)}</li>`).join('')}</ul>`);
  if (backups !== null) parts.push(`<p class="backups" id="${esc(`backups-${s.name}`)}">Cold backups: ${esc(backups)}</p>`);
  const causes = s.lostCauses ?? [];
  if (causes.length > 0) parts.push(`<p class="lost-causes" id="${esc(`lost-causes-${s.name}`)}">Why writes were lost:</p><ul class="notes">${causes.map((g) => `<li${g.cause === 'unexplained' ? ' class="bad"' : ''}>${esc(formatLostCause(report, g))}</li>`).join('')}</ul>`);
  return parts.length === 0 ? '' : `\n${parts.join('\n')}`;
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

function idList(title: string, kind: string, service: string, ids: readonly string[], meaning: string): string {
  if (ids.length === 0) return kind === 'lost' ? `<p class="ids-none" id="${esc(`${kind}-${service}`)}">No lost writes.</p>` : '';
  const shown = ids.slice(0, HTML_MAX_LOST_IDS);
  const more = ids.length > shown.length ? ` (the first ${shown.length} shown; all ${num(ids.length)} are in report.json)` : '';
  return `<details class="ids" id="${esc(`${kind}-${service}`)}" open>
<summary>${esc(title)}: <b>${num(ids.length)}</b> <span class="muted">${esc(meaning)}${esc(more)}</span></summary>
<div class="idlist">${shown.map((id) => `<code>${esc(id)}</code>`).join(' ')}</div>
</details>`;
}
