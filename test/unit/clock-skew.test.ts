// Clock skew between agents: the NTP-style estimate of each agent's offset
// from the host, the skew between agents, and the figures of a report it
// marks, on hand-made samples and a hand-made failover whose history was
// stamped by two clocks 500 ms apart.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { Ajv } from 'ajv';
import { checkAll, downFromFaults } from '../../src/core/check/checker.js';
import type { CheckInput } from '../../src/core/check/check-types.js';
import { clockMeasurement, estimateOffset, skewBetween, type ClientClock, type ClockMeasurement, type ClockSample } from '../../src/core/clock-skew.js';
import type { OpRecord, Outcome } from '../../src/core/history.js';
import { formatClockMs, judgeClockSkew, SPLIT_BRAIN_RESOLUTION_MS, type ClockProbes } from '../../src/core/report/clock-skew-marks.js';
import { buildReport, type Report } from '../../src/core/report/report-model.js';
import { renderHtml } from '../../src/core/report/render-html.js';
import { renderMarkdown } from '../../src/core/report/render-markdown.js';
import { recheck, savedCheck } from '../../src/core/report/saved-check.js';

const T0 = Date.UTC(2026, 0, 2, 3, 4, 5);

function sample(hostSendMs: number, agentClockMs: number, hostReceiveMs: number): ClockSample {
  return { hostSendMs, agentClockMs, hostReceiveMs };
}

describe('estimateOffset', () => {
  it('takes the sample with the shortest round trip, whatever its place in the list', () => {
    // True offset +100 ms. The slow samples read the agent's clock late in their round trip.
    const samples = [sample(T0, T0 + 100 + 40, T0 + 50), sample(T0 + 1000, T0 + 1100 + 2, T0 + 1004), sample(T0 + 2000, T0 + 2100 + 1, T0 + 2030)];
    const offset = estimateOffset(samples)!;
    assert.equal(offset.uncertaintyMs, 2);
    assert.equal(offset.offsetMs, 100);
  });

  it('keeps the true offset within the uncertainty when the round trip is lopsided', () => {
    // The agent answers 1 ms after the host asked and the answer takes 29 ms back: true offset -250 ms.
    const offset = estimateOffset([sample(T0, T0 + 1 - 250, T0 + 30)])!;
    assert.equal(offset.offsetMs, -250 + 1 - 15);
    assert.equal(offset.uncertaintyMs, 15);
    assert.ok(Math.abs(offset.offsetMs - -250) <= offset.uncertaintyMs);
  });

  it('has nothing to say without a usable sample', () => {
    assert.equal(estimateOffset([]), null);
    assert.equal(estimateOffset([sample(T0 + 10, T0, T0)]), null, 'a host clock that ran backwards bounds nothing');
    assert.equal(estimateOffset([sample(T0, Number.NaN, T0 + 1)]), null);
  });
});

describe('skew between agents', () => {
  const c = (client: string, offsetMs: number, uncertaintyMs: number): ClientClock => ({ client, offsetMs, uncertaintyMs });

  it('is the greatest offset less the least, with their two uncertainties added', () => {
    assert.deepEqual(skewBetween([c('a', 3, 1), c('b', -2, 4), c('c', 0, 50)]), { skewMs: 5, uncertaintyMs: 5 });
  });

  it('is exactly 0 for one agent, and unknown for none', () => {
    assert.deepEqual(skewBetween([c('a', 30, 7)]), { skewMs: 0, uncertaintyMs: 0 });
    assert.deepEqual(skewBetween([]), { skewMs: null, uncertaintyMs: null });
  });

  it('names the agents that could not be read, and leaves them out of the skew', () => {
    const m = clockMeasurement(
      T0,
      new Map([
        ['b', [sample(T0, T0 + 500 + 1, T0 + 2)]],
        ['a', [sample(T0, T0 + 1, T0 + 2)]],
        ['d', []],
      ]),
      [{ client: 'c', reason: 'its container is exited' }],
    );
    assert.deepEqual(m.clients.map((x) => [x.client, x.offsetMs, x.uncertaintyMs]), [['a', 0, 1], ['b', 500, 1]]);
    assert.deepEqual(m.absent, [
      { client: 'c', reason: 'its container is exited' },
      { client: 'd', reason: 'no usable reading of its clock' },
    ]);
    assert.equal(m.skewMs, 500);
    assert.equal(m.uncertaintyMs, 2);
  });
});

// A failover from x (idc-a, powered off at +2 s) to y 100 ms later, seen by two clients writing every
// 100 ms. Client b's clock runs `bSkewMs` behind: its writes on y are stamped before a's last writes on x.
function op(id: string, client: string, idc: string, node: string, outcome: Outcome, trueMs: number, skewMs: number): OpRecord {
  return { id, service: 'mysql', kind: 'write', client, idc, invokeMs: T0 + trueMs + skewMs, completeMs: T0 + trueMs + skewMs + 5, outcome, node };
}

function clientWrites(client: string, idc: string, skewMs: number): OpRecord[] {
  const out: OpRecord[] = [];
  for (let t = 0; t < 2000; t += 100) out.push(op(`${client}-x-${t}`, client, idc, 'x', 'ok', t, skewMs));
  out.push(op(`${client}-f-2000`, client, idc, 'x', 'failed', 2000, skewMs));
  for (let t = 2100; t < 8000; t += 100) out.push(op(`${client}-y-${t}`, client, idc, 'y', 'ok', t, skewMs));
  return out;
}

function failoverInput(bSkewMs: number): CheckInput {
  const history = [...clientWrites('a', 'idc-b', 0), ...clientWrites('b', 'idc-c', bSkewMs)].sort((p, q) => p.invokeMs - q.invokeMs);
  const ids = history.filter((o) => o.outcome === 'ok').map((o) => o.id);
  const faults: CheckInput['faults'] = [{ id: 'f1', spec: { kind: 'power', idc: 'idc-a' }, requestedMs: T0 + 2000, appliedMs: T0 + 2000, healedMs: null }];
  return {
    history,
    finalState: { readAtMs: T0 + 9000, services: [{ service: 'mysql', authoritativeNode: 'y', nodes: [{ node: 'y', idc: 'idc-b', role: 'primary', ids }], unreadable: [] }] },
    faults,
    outageStartMs: T0 + 2000,
    outageEndMs: null,
    outageIdcs: ['idc-a'],
    down: downFromFaults(faults),
    rtoWindowMs: 1000,
    writeIntervalMs: { mysql: 100 },
    kinds: { mysql: 'mysql' },
  };
}

function measured(atMs: number, clients: ClientClock[], absent: ClockMeasurement['absent'] = []): ClockMeasurement {
  return { atMs, clients, absent, ...skewBetween(clients) };
}

const frame = { scenario: { name: 'skewed', file: null, tier: 'hot-standby' }, run: 'r-1', mode: 'drill' as const, startedAt: T0, finishedAt: T0 + 10_000 };

function reportWith(input: CheckInput, clockSkew: ClockProbes | undefined): Report {
  const services = checkAll(input);
  return buildReport({ ...frame, faults: input.faults, services, slos: [], ...(clockSkew ? { clockSkew } : {}) });
}

describe('figures marked by clock skew', () => {
  const skewed = failoverInput(-500);
  const skew500: ClockProbes = { start: measured(T0 - 1000, [{ client: 'a', offsetMs: 0, uncertaintyMs: 2 }, { client: 'b', offsetMs: -500, uncertaintyMs: 3 }]), end: null };

  it('500 ms between two agents invents a split brain in a clean failover, and the report marks it and the RTO', () => {
    const clean = reportWith(failoverInput(0), undefined).services[0]!;
    assert.equal(clean.splitBrain?.ms, 0, 'with one clock the failover is clean');
    const report = reportWith(skewed, skew500);
    const s = report.services[0]!;
    assert.ok((s.splitBrain?.ms ?? 0) > 0, 'b stamped its writes on y before a stopped writing on x');
    const marked = report.clockSkew!.marked;
    assert.deepEqual(marked.map((j) => [j.service, j.figure, j.at, j.client, j.resolutionMs]), [
      ['mysql', 'splitBrain', 'start', null, SPLIT_BRAIN_RESOLUTION_MS],
      ['mysql', 'rto', 'start', 'b', 100],
    ]);
    assert.equal(marked[0]!.skewMs, 500);
    assert.equal(marked[0]!.uncertaintyMs, 5);
    assert.equal(marked[1]!.skewMs, 500);
    assert.deepEqual(report.clockSkew!.unresolved, []);
    assert.match(report.notes.join('\n'), /mysql: clock skew: the split brain figure may be off: the agents' clocks were 500 ms ± 5 ms apart at the start/);
    assert.match(report.notes.join('\n'), /mysql: clock skew: the RTO may be off: b's clock was 500 ms ± 3 ms off the host's at the start, more than the RTO's 100 ms resolution/);
  });

  it('marks nothing for 0.2 ms of skew measured to 0.1 ms', () => {
    const fine: ClockProbes = { start: measured(T0, [{ client: 'a', offsetMs: 0.05, uncertaintyMs: 0.05 }, { client: 'b', offsetMs: 0.25, uncertaintyMs: 0.05 }]), end: null };
    assert.ok(Math.abs(fine.start!.skewMs! - 0.2) < 1e-9 && Math.abs(fine.start!.uncertaintyMs! - 0.1) < 1e-9);
    const report = reportWith(skewed, fine);
    assert.deepEqual(report.clockSkew!.marked, []);
    assert.deepEqual(report.clockSkew!.unresolved, []);
    assert.deepEqual(report.notes, reportWith(skewed, undefined).notes, 'no note about clocks');
  });

  it('only lists a figure as unresolved when the uncertainty is coarser than its resolution', () => {
    // 20 ms apart as read, but each reading only to 15 ms: the clocks may agree to the millisecond.
    const coarse: ClockProbes = { start: null, end: measured(T0, [{ client: 'a', offsetMs: 0, uncertaintyMs: 15 }, { client: 'b', offsetMs: 20, uncertaintyMs: 15 }]) };
    const report = reportWith(skewed, coarse);
    assert.deepEqual(report.clockSkew!.marked, []);
    assert.deepEqual(report.clockSkew!.unresolved.map((j) => [j.figure, j.at, j.uncertaintyMs]), [['splitBrain', 'end', 30]], 'the RTO is measured to 100 ms, finer than 15 ms');
    assert.deepEqual(report.notes, reportWith(skewed, undefined).notes);
    const coarser = reportWith(skewed, { start: null, end: measured(T0, [{ client: 'a', offsetMs: 0, uncertaintyMs: 150 }, { client: 'b', offsetMs: 0.5, uncertaintyMs: 150 }]) });
    assert.deepEqual(coarser.clockSkew!.unresolved.map((j) => j.figure), ['splitBrain', 'rto']);
  });

  it("judges the RTO on each agent's offset from the host: agents that agree with each other can still shift it", () => {
    const bothAhead: ClockProbes = { start: measured(T0, [{ client: 'a', offsetMs: 400, uncertaintyMs: 2 }, { client: 'b', offsetMs: 400, uncertaintyMs: 2 }]), end: null };
    const report = reportWith(skewed, bothAhead);
    assert.deepEqual(report.clockSkew!.marked.map((j) => j.figure), ['rto']);
  });

  it('leaves out an agent absent at the end, and still marks from the start', () => {
    const end = measured(T0 + 10_000, [{ client: 'a', offsetMs: 0, uncertaintyMs: 2 }], [{ client: 'b', reason: 'its container is exited' }]);
    assert.equal(end.skewMs, 0);
    const manual = reportWith(skewed, { start: null, end });
    assert.deepEqual(manual.clockSkew!.marked, [], 'the one agent read has nothing to be skewed against');
    const drill = reportWith(skewed, { start: skew500.start, end });
    assert.deepEqual(drill.clockSkew!.marked.map((j) => [j.figure, j.at]), [['splitBrain', 'start'], ['rto', 'start']]);
    const md = renderMarkdown(drill);
    assert.match(md, /\| `b` \| -500 ms ± 3 ms \| absent \(its container is exited\) \|/);
    assert.match(md, /Skew between the agents' clocks: 500 ms ± 5 ms at the start, 0 ms ± 0 ms at the end\./);
  });

  it('judges nothing without a measurement, and judges a service without an outage on split brain only', () => {
    assert.equal(reportWith(skewed, undefined).clockSkew, undefined);
    assert.equal(reportWith(skewed, { start: null, end: null }).clockSkew, undefined);
    const noOutage = { ...skewed, faults: [], outageStartMs: null, outageIdcs: [], down: [] };
    const judged = judgeClockSkew(skew500, checkAll(noOutage));
    assert.deepEqual(judged.marked.map((j) => j.figure), ['splitBrain'], 'no outage, no RTO to shift');
    const multiWriter = judgeClockSkew(skew500, checkAll({ ...skewed, singleWriter: { mysql: false } }));
    assert.deepEqual(multiWriter.marked.map((j) => j.figure), ['rto'], 'a multi-writer service has no split brain to mark');
  });
});

describe('clock skew in the rendered reports, the schema and a re-check', () => {
  const input = failoverInput(-500);
  const probes: ClockProbes = {
    start: measured(T0 - 1000, [{ client: 'a', offsetMs: 0.02, uncertaintyMs: 2 }, { client: 'b', offsetMs: -500, uncertaintyMs: 3 }]),
    end: measured(T0 + 10_000, [{ client: 'a', offsetMs: 0.01, uncertaintyMs: 1.5 }, { client: 'b', offsetMs: -499.5, uncertaintyMs: 2.5 }]),
  };
  const report = reportWith(input, probes);

  it('shows a Clocks section and flags the figures in Markdown', () => {
    const md = renderMarkdown(report);
    assert.match(md, /### Clocks\n/);
    assert.match(md, /Skew between the agents' clocks: 500 ms ± 5 ms at the start, 500 ms ± 4 ms at the end\./);
    assert.match(md, /\| agent \| offset from the host at the start \| offset from the host at the end \|/);
    assert.match(md, /\| `a` \| \+0\.02 ms ± 2 ms \| \+0\.01 ms ± 1\.5 ms \|/);
    // The end's reading proves more (500 - 4 ms) than the start's (500 - 5 ms): the mark rests on it.
    assert.match(md, /- ⚠️ \*\*may be off by the skew\*\*: `mysql` split brain \(measured to 1 ms\): the agents' clocks 500 ms ± 4 ms at the end/);
    assert.match(md, /\| split brain \| 300 ms: x and y [^\n]* ⚠️ clock skew 500 ms ± 4 ms \(see Clocks\) \|/);
    assert.match(md, /\| \*\*RTO\*\* \(worst client\) \| [^\n]* ⚠️ clock skew 500 ms ± 3 ms \(see Clocks\) \|/);
    assert.doesNotMatch(renderMarkdown(reportWith(input, undefined)), /Clocks|clock skew/);
  });

  it('shows a Clocks section and flags the figures in HTML', () => {
    const html = renderHtml(report);
    assert.match(html, /<section id="clocks"><h2>Clocks<\/h2>/);
    assert.match(html, /<td><code>b<\/code><\/td><td>-500 ms ± 3 ms<\/td><td>-500 ms ± 2\.5 ms<\/td>/);
    assert.match(html, /<b class="bad">300 ms<\/b> <a class="bad" href="#clocks"><small>clock skew 500 ms ± 4 ms<\/small><\/a>/);
    assert.match(html, /may be off by the skew: <b>mysql<\/b> RTO \(measured to 100 ms\): <code>b<\/code>'s clock against the host's 500 ms ± 3 ms at the start/);
    assert.doesNotMatch(renderHtml(reportWith(input, undefined)), /id="clocks"|clock skew/);
  });

  it('is accepted by schema/report.schema.json, which refuses a malformed one', () => {
    const schema = JSON.parse(readFileSync(new URL('../../../schema/report.schema.json', import.meta.url), 'utf8')) as object;
    const validate = new Ajv({ allErrors: true, allowUnionTypes: true, strict: true }).compile(schema);
    const json = JSON.parse(JSON.stringify(report)) as Report;
    assert.ok(validate(json), JSON.stringify(validate.errors));
    const manual = JSON.parse(JSON.stringify(reportWith(input, { start: null, end: probes.end }))) as Report;
    assert.ok(validate(manual), JSON.stringify(validate.errors));
    const skew = json.clockSkew!;
    assert.equal(validate({ ...json, clockSkew: { ...skew, marked: [{ ...skew.marked[0]!, figure: 'latency' }] } }), false);
    assert.equal(validate({ ...json, clockSkew: { ...skew, end: { ...skew.end!, clients: [{ client: 'a', offsetMs: 1 }] } } }), false);
    assert.equal(validate({ ...json, clockSkew: { ...skew, extra: 1 } }), false);
  });

  it('is carried by the saved check, so a re-check marks the same figures', () => {
    const saved = JSON.parse(JSON.stringify(savedCheck(input, { ...frame, clockSkew: probes }, { groups: {} }))) as ReturnType<typeof savedCheck>;
    const again = recheck(saved, input.history, input.finalState);
    assert.deepEqual(again.clockSkew, report.clockSkew);
    assert.deepEqual(
      again.notes.filter((n) => n.includes('clock skew')),
      report.notes.filter((n) => n.includes('clock skew')),
    );
    assert.equal(again.notes.filter((n) => n.includes('clock skew')).length, 2);
  });
});

describe('formatClockMs', () => {
  it('keeps three significant digits below a second', () => {
    assert.deepEqual([0.2, 0.0123, 12.345, 480.4, 1503, -3.25, 0.0000001].map(formatClockMs), ['0.2 ms', '0.0123 ms', '12.3 ms', '480 ms', '1.50 s', '-3.25 ms', '0 ms']);
  });
});
