// The agents' clocks on the page: each agent's offset from the host at the
// start and the end, the skew between them, and the figures it may have
// distorted, flagged where those figures are shown too.
import { formatClockMs, formatClockOffset, skewMark, type SkewedFigure, type SkewJudgement } from '../clock-skew-marks.js';
import type { Report } from '../report-model.js';
import { escapeHtml as esc, tr } from './markup.js';

const FIGURE_NAMES: Record<SkewedFigure, string> = { splitBrain: 'split brain', rto: 'RTO' };

export function clocksSection(report: Report): string {
  const skew = report.clockSkew;
  if (skew === undefined) return '';
  const measured = (['start', 'end'] as const).filter((at) => skew[at] !== null);
  const clients = [...new Set(measured.flatMap((at) => [...skew[at]!.clients.map((c) => c.client), ...skew[at]!.absent.map((a) => a.client)]))].sort();
  const rows = clients.map((client) =>
    tr([
      `<code>${esc(client)}</code>`,
      ...measured.map((at) => {
        const m = skew[at]!;
        const c = m.clients.find((x) => x.client === client);
        if (c !== undefined) return esc(formatClockOffset(c.offsetMs, c.uncertaintyMs));
        const a = m.absent.find((x) => x.client === client);
        return a === undefined ? '-' : `<span class="muted">absent (${esc(a.reason)})</span>`;
      }),
    ]),
  );
  const between = measured.map((at) => {
    const m = skew[at]!;
    return m.skewMs === null ? `no agent answered at the ${at}` : `<b>${esc(formatClockMs(m.skewMs))}</b> ± ${esc(formatClockMs(m.uncertaintyMs ?? 0))} at the ${at}`;
  });
  const judgements = [
    ...skew.marked.map((j) => `<li class="bad">may be off by the skew: ${judged(j)}</li>`),
    ...skew.unresolved.map((j) => `<li class="muted">could not be measured finely enough to tell: ${judged(j)}</li>`),
  ];
  return `<section id="clocks"><h2>Clocks</h2>
<p>Skew between the agents' clocks: ${between.join(', ')}. <span class="muted">Times in the history are stamped by each agent's own clock; each offset is read from the host NTP-style, within half the shortest round trip.</span></p>
<table class="num" id="clock-offsets"><thead>${tr(['agent', ...measured.map((at) => `offset from the host at the ${at}`)], 'th')}</thead><tbody>
${rows.join('\n')}
</tbody></table>${judgements.length === 0 ? '' : `\n<ul class="notes">${judgements.join('')}</ul>`}
</section>`;
}

/** A warning beside a figure the skew may have distorted; empty when it was not marked. */
export function skewFlag(report: Report, service: string, figure: SkewedFigure): string {
  const mark = skewMark(report.clockSkew, service, figure);
  if (mark === null) return '';
  return ` <a class="bad" href="#clocks"><small>clock skew ${esc(formatClockMs(mark.skewMs))} ± ${esc(formatClockMs(mark.uncertaintyMs))}</small></a>`;
}

function judged(j: SkewJudgement): string {
  const clocks = j.client === null ? "the agents' clocks" : `<code>${esc(j.client)}</code>'s clock against the host's`;
  return `<b>${esc(j.service)}</b> ${FIGURE_NAMES[j.figure]} (measured to ${esc(formatClockMs(j.resolutionMs))}): ${clocks} ${esc(formatClockMs(j.skewMs))} ± ${esc(formatClockMs(j.uncertaintyMs))} at the ${j.at}`;
}
