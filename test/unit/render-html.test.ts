// The HTML report: self-contained (nothing fetched at view time), escaped,
// well-formed enough for any browser, and carrying the numbers a reader
// looks for. The end-to-end test opens it in a real browser.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { Ajv } from 'ajv';
import { checkAll } from '../../src/core/check/checker.js';
import { evaluateSlos } from '../../src/core/check/slo.js';
import type { OpRecord, Outcome } from '../../src/core/history.js';
import { buildReport, type Report } from '../../src/core/report/report-model.js';
import { HTML_MAX_LOST_IDS, escapeHtml, renderHtml } from '../../src/core/report/render-html.js';

const FIXTURE = new URL('../../../test/fixtures/hot-standby-report/report.json', import.meta.url);
const fixture = (): Report => JSON.parse(readFileSync(FIXTURE, 'utf8')) as Report;

const T0 = Date.UTC(2026, 0, 2, 3, 4, 5);

function op(id: string, outcome: Outcome, at: number, idc = 'idc-b'): OpRecord {
  return { id, service: 'mysql', kind: 'write', client: `c-${idc}`, idc, invokeMs: T0 + at, completeMs: T0 + at + 4, outcome };
}

/** A failing drill whose every user-controlled string tries to be markup. */
function hostileReport(lostCount: number): Report {
  const evil = '<img src=x onerror=alert(1)>';
  const history: OpRecord[] = [];
  for (let i = 0; i < lostCount; i++) history.push(op(`lost-${i}-${i === 0 ? evil : 'x'}`, 'ok', i % 900));
  for (let t = 1000; t < 3000; t += 100) history.push(op(`f${t}`, 'failed', t), op(`a${t}`, 'unknown', t + 5, 'idc-<a>'));
  for (let t = 3000; t < 9000; t += 50) history.push(op(`ok${t}`, 'ok', t));
  const present = history.filter((o) => o.outcome === 'ok' && !o.id.startsWith('lost-')).map((o) => o.id);
  const services = checkAll({
    history,
    finalState: { readAtMs: T0 + 10_000, services: [{ service: 'mysql', authoritativeNode: 'db-"b"', nodes: [{ node: 'db-"b"', idc: 'idc-b', role: 'primary', ids: present }], unreadable: [] }] },
    faults: [],
    outageStartMs: T0 + 1000,
    outageEndMs: T0 + 6000,
    outageIdcs: ['idc-<a>'],
    rtoWindowMs: 1000,
    failoverEvents: { mysql: { detectedMs: T0 + 1500, promotedMs: T0 + 2600 } },
  });
  return buildReport({
    scenario: { name: '<script>alert("name")</script>', file: 'x & y.yaml', tier: "tier 'quoted'" },
    run: 'run<1>',
    mode: 'drill',
    startedAt: T0,
    finishedAt: T0 + 12_000,
    faults: [
      { id: 'f-1', spec: { kind: 'power', idc: 'idc-<a>' }, requestedMs: T0 + 990, appliedMs: T0 + 1000, healedMs: T0 + 6000 },
      { id: 'f-2', spec: { kind: 'replication-stop', node: 'db-<b>' }, requestedMs: T0 + 400, appliedMs: T0 + 500, healedMs: null },
    ],
    services,
    slos: evaluateSlos(services, { rtoMs: 1000, lostWrites: 0 }),
    notes: ['a note with <b>markup</b> & an ampersand'],
  });
}

/**
 * Non-void elements open and close in order; void ones and self-closed SVG
 * elements stand alone. Attribute values are quoted and contain no raw < or >.
 */
function assertBalanced(html: string): void {
  const voids = new Set(['meta', 'br', 'img', 'input', 'hr', 'link', 'col', 'wbr']);
  const stack: string[] = [];
  const tag = /<(\/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[a-zA-Z_:][-a-zA-Z0-9_:.]*(?:="[^"<>]*")?)*)\s*(\/?)>/g;
  const body = html.replace(/^<!DOCTYPE html>/, '').replace(/<style>[\s\S]*?<\/style>/, '<style></style>');
  let last = 0;
  for (let m = tag.exec(body); m !== null; m = tag.exec(body)) {
    const between = body.slice(last, m.index);
    assert.doesNotMatch(between, /[<>]/, `stray angle bracket before ${m[0].slice(0, 60)}: ${between.slice(0, 80)}`);
    last = m.index + m[0].length;
    const [, closing, rawName, , selfClosing] = m;
    const name = rawName!.toLowerCase();
    if (voids.has(name) || selfClosing === '/') continue;
    if (closing === '/') assert.equal(stack.pop(), name, `</${name}> closes the wrong element`);
    else stack.push(name);
  }
  assert.doesNotMatch(body.slice(last), /[<>]/);
  assert.deepEqual(stack, [], 'every element is closed');
}

describe('renderHtml on a real drill (hot-standby, async replication)', () => {
  const report = fixture();
  const html = renderHtml(report);

  it('is one well-formed document that fetches nothing', () => {
    assert.match(html, /^<!DOCTYPE html>\n<html lang="en">/);
    assertBalanced(html);
    assert.doesNotMatch(html, /https?:\/\//i, 'no URL of any kind, not even an SVG namespace');
    assert.doesNotMatch(html, /<script|<link|<iframe|<img|@import|url\(|src=/i);
    assert.doesNotMatch(html, /href="(?!#)/, 'links only within the page');
  });

  it('has the header, verdict, SLO table and the per-service summary', () => {
    assert.match(html, /<span class="badge pass" id="verdict">PASS<\/span><h1>hot-standby<\/h1>/);
    assert.match(html, /tier <b>hot-standby<\/b>/);
    assert.match(html, /mysql rtoMs &lt;= 30000/);
    assert.match(html, /<table class="summary num" id="summary-writes">/);
    const writes = html.slice(html.indexOf('id="summary-writes"'), html.indexOf('id="summary-recovery"'));
    assert.match(writes, /<td><a href="#service-mysql">mysql<\/a><\/td><td>748<\/td><td>7<\/td><td>1<\/td><td><b class="bad">121<\/b><\/td><td>0<\/td><td>1<\/td><td>0<\/td><td>0<\/td>/);
    const recovery = html.slice(html.indexOf('id="summary-recovery"'));
    assert.match(recovery, /<td><b>5\.91 s<\/b><\/td><td>2\.85 s<\/td><td>1\.02 s<\/td><td>2\.03 s<\/td><td>3\.40 s<\/td><td>3 \/ 47 \/ 138 ms<\/td><td>n\/a<\/td><td>3 \/ 16 \/ 64 ms<\/td>/);
  });

  it('draws a timeline per service with the fault windows shaded and the failover markers', () => {
    for (const s of ['mysql', 'redis']) {
      const start = html.indexOf(`<svg class="timeline" id="timeline-${s}"`);
      assert.ok(start > 0, `timeline for ${s}`);
      const svg = html.slice(start, html.indexOf('</svg>', start));
      assert.equal(svg.match(/<rect class="fault fault-power"/g)?.length, 1);
      assert.equal(svg.match(/<rect class="fault fault-replication-stop"/g)?.length, 1);
      for (const m of ['detect', 'promote', 'recovered']) assert.match(svg, new RegExp(`<line class="marker marker-${m}"`));
      for (const p of ['throughput', 'errors', 'latency']) assert.match(svg, new RegExp(`<g class="panel panel-${p}">`));
      assert.equal(svg.match(/<path class="series"/g)?.length! >= 5, true, 'a line per IDC and panel');
      assert.match(svg, /seconds since the drill started/);
      assert.match(svg, />recovered: RTO (5\.91|3\.08) s</);
    }
    assert.match(html, /class="legend"[\s\S]*clients in idc-a <small>\(outage IDC\)<\/small>/);
  });

  it('places the power fault where it happened on the shared axis', () => {
    // Applied 7.43 s after the drill started, healed at 28.44 s; the axis runs from 0 to about 33 s.
    const rect = /<rect class="fault fault-power" data-fault="[^"]+" x="([\d.]+)" y="[\d.]+" width="([\d.]+)"/.exec(html)!;
    const x = Number(rect[1]);
    const w = Number(rect[2]);
    assert.ok(x > 280 && x < 320, `x ${x}`);
    assert.ok(w > 600 && w < 700, `width ${w}`);
  });

  it('lists the lost ids with their count', () => {
    assert.match(html, /Lost writes: <b>121<\/b>/);
    for (const id of report.services[0]!.lostIds) assert.ok(html.includes(`<code>${id}</code>`), id);
    assert.match(html, /No lost writes\./, 'redis lost nothing');
  });
});

describe('renderHtml with hostile input', () => {
  const html = renderHtml(hostileReport(HTML_MAX_LOST_IDS + 50));

  it('escapes every string from the scenario, the servers and the ids', () => {
    assertBalanced(html);
    assert.doesNotMatch(html, /<script|<img|<b>markup/);
    assert.match(html, /<h1>&lt;script&gt;alert\(&quot;name&quot;\)&lt;\/script&gt;<\/h1>/);
    assert.match(html, /<title>hadrill &lt;script&gt;alert\(&quot;name&quot;\)&lt;\/script&gt;: FAIL<\/title>/);
    assert.match(html, /run <code>run&lt;1&gt;<\/code>/);
    assert.match(html, /tier <b>tier &#39;quoted&#39;<\/b>/);
    assert.match(html, /<code>x &amp; y\.yaml<\/code>/);
    assert.match(html, /authoritative node <code>db-&quot;b&quot;<\/code>/);
    assert.match(html, /<li>a note with &lt;b&gt;markup&lt;\/b&gt; &amp; an ampersand<\/li>/);
    assert.match(html, /<code>lost-0-&lt;img src=x onerror=alert\(1\)&gt;<\/code>/);
    assert.match(html, /data-idc="idc-&lt;a&gt;"/);
    assert.match(html, /<span class="badge fail" id="verdict">FAIL<\/span>/);
  });

  it('shows the first 200 lost ids and says how many there are', () => {
    assert.match(html, /Lost writes: <b>250<\/b>/);
    assert.match(html, /the first 200 shown; all 250 are in report\.json/);
    assert.ok(html.includes('<code>lost-199-x</code>'));
    assert.ok(!html.includes('lost-200-x'));
  });

  it('labels a fault that was never healed and marks the violated SLOs', () => {
    assert.match(html, /replication-stop db-&lt;b&gt; \(not healed\)/);
    assert.match(html, /<tr class="violated">/);
  });
});

describe('renderHtml edge cases', () => {
  it('renders a drill with no faults, no SLOs and no operations', () => {
    const report = buildReport({
      scenario: { name: 'empty', file: null, tier: 'cold-backup' },
      run: 'r',
      mode: 'manual',
      startedAt: T0,
      finishedAt: T0 + 1000,
      faults: [],
      services: checkAll({ history: [], finalState: { readAtMs: T0, services: [{ service: 'redis', authoritativeNode: null, nodes: [], unreadable: [] }] }, faults: [], outageStartMs: null, outageEndMs: null, outageIdcs: [], rtoWindowMs: 1000 }),
      slos: [],
    });
    const html = renderHtml(report);
    assertBalanced(html);
    assert.match(html, /No faults were injected/);
    assert.match(html, /No SLOs were declared/);
    assert.match(html, /No writes were recorded for this service/);
    assert.doesNotMatch(html, /<svg class="timeline"/);
  });

  it('draws every kind of fault, and the schema accepts them all', () => {
    const base = fixture();
    const at = base.faults[1]!.appliedMs;
    const report: Report = {
      ...base,
      faults: [
        { id: 'c', spec: { kind: 'cut', from: 'idc-a', to: 'idc-b', oneWay: true }, requestedMs: at, appliedMs: at, healedMs: at + 3000, durationMs: 3000 },
        { id: 'p', spec: { kind: 'partition', groups: [['idc-a'], ['idc-b', 'idc-c']] }, requestedMs: at + 4000, appliedMs: at + 4000, healedMs: at + 6000 },
        { id: 'd', spec: { kind: 'degrade', a: 'idc-a', b: 'idc-c', shape: { latencyMs: 80, lossPct: 2, rateKbit: null } }, requestedMs: at, appliedMs: at + 1, healedMs: null },
        { id: 'k', spec: { kind: 'crash', node: 'db-a', restart: true }, requestedMs: at + 7000, appliedMs: at + 7000, healedMs: at + 7000 },
        { id: 'f', spec: { kind: 'freeze', idc: 'idc-a' }, requestedMs: at + 8000, appliedMs: at + 8000, healedMs: at + 9000 },
      ],
    };
    const schema = JSON.parse(readFileSync(new URL('../../../schema/report.schema.json', import.meta.url), 'utf8')) as object;
    const validate = new Ajv({ allErrors: true, allowUnionTypes: true, strict: true }).compile(schema);
    assert.ok(validate(JSON.parse(JSON.stringify(report))), JSON.stringify(validate.errors));
    const html = renderHtml(report);
    assertBalanced(html);
    for (const kind of ['cut', 'partition', 'degrade', 'crash', 'freeze']) assert.match(html, new RegExp(`<rect class="fault fault-${kind}"`));
    assert.match(html, /cut idc-a -&gt; idc-b/);
    assert.match(html, /partition idc-a \| idc-b,idc-c/);
    assert.match(html, /degrade idc-a &lt;-&gt; idc-c \(latency 80ms, loss 2%\) \(not healed\)/);
  });

  it('escapes the five HTML-significant characters', () => {
    assert.equal(escapeHtml(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
});

describe('renderHtml SLO table', () => {
  it('shows each kind of SLO with its own unit', () => {
    const report = fixture();
    const mysql = report.services[0]!;
    const slo = (metric: Report['slos'][number]['metric'], threshold: number, actual: number | null) => ({ name: `mysql ${metric} <= ${threshold}`, service: 'mysql' as const, metric, threshold, actual, ok: true, message: 'm' });
    const html = renderHtml({
      ...report,
      slos: [slo('rtoMs', 30_000, mysql.rtoMs), slo('lostWrites', 200, 121), slo('divergentRows', 5, 3), slo('p99WriteMsDuringFault', 2000, null)],
    });
    assert.match(html, /<td>mysql rtoMs &lt;= 30000<\/td><td>5\.91 s<\/td><td>30\.00 s<\/td>/);
    assert.match(html, /<td>mysql lostWrites &lt;= 200<\/td><td>121<\/td><td>200 lost writes<\/td>/);
    assert.match(html, /<td>mysql divergentRows &lt;= 5<\/td><td>3<\/td><td>5 divergent ids<\/td>/);
    assert.match(html, /<td>mysql p99WriteMsDuringFault &lt;= 2000<\/td><td>not measured<\/td><td>2\.00 s<\/td>/);
  });
});
