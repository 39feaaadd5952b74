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
import type { LagSeries } from '../../src/core/manager-log.js';
import { buildReport, type Report } from '../../src/core/report/report-model.js';
import { HTML_MAX_LOST_IDS, escapeHtml, renderHtml } from '../../src/core/report/render-html.js';

const FIXTURE = new URL('../../../test/fixtures/hot-standby-report/report.json', import.meta.url);
const fixture = (): Report => JSON.parse(readFileSync(FIXTURE, 'utf8')) as Report;

const T0 = Date.UTC(2026, 0, 2, 3, 4, 5);

function op(id: string, outcome: Outcome, at: number, idc = 'idc-b'): OpRecord {
  return { id, service: 'mysql', kind: 'write', client: `c-${idc}`, idc, invokeMs: T0 + at, completeMs: T0 + at + 4, outcome };
}

/** A read by the client of idc from its local node, answering the id of that client's latest write the node held. */
function read(id: string, at: number, idc: string, node: string, observed: string | null | undefined): OpRecord {
  const failed = observed === undefined;
  return { id, service: 'mysql', kind: 'read', client: `c-${idc}`, idc, invokeMs: T0 + at, completeMs: T0 + at + 4, outcome: failed ? 'failed' : 'ok', node, ...(failed ? {} : { observed }) };
}

/** A failing drill whose every user-controlled string tries to be markup. */
function hostileReport(lostCount: number): Report {
  const evil = '<img src=x onerror=alert(1)>';
  const history: OpRecord[] = [];
  for (let i = 0; i < lostCount; i++) history.push(op(`lost-${i}-${i === 0 ? evil : 'x'}`, 'ok', i % 900));
  for (let t = 1000; t < 3000; t += 100) history.push(op(`f${t}`, 'failed', t), op(`a${t}`, 'unknown', t + 5, 'idc-<a>'));
  for (let t = 3000; t < 9000; t += 50) history.push(op(`ok${t}`, 'ok', t));
  // idc-c reads its own writes from its local node: one read misses c2 (acknowledged at +204 ms, read at +300 ms: 96 ms stale), one is fresh, one fails.
  history.push(op('c1', 'ok', 100, 'idc-c'), op('c2', 'ok', 200, 'idc-c'));
  history.push(read('r1', 300, 'idc-c', 'db-<c>', 'c1'), read('r2', 400, 'idc-c', 'db-<c>', 'c2'), read('r3', 500, 'idc-c', 'db-<c>', undefined));
  history.sort((a, b) => a.invokeMs - b.invokeMs);
  const present = history.filter((o) => o.kind === 'write' && o.outcome === 'ok' && !o.id.startsWith('lost-')).map((o) => o.id);
  const faults: Report['faults'] = [
    { id: 'f-1', spec: { kind: 'power', idc: 'idc-<a>' }, requestedMs: T0 + 990, appliedMs: T0 + 1000, healedMs: T0 + 6000 },
    { id: 'f-2', spec: { kind: 'replication-stop', node: 'db-<b>' }, requestedMs: T0 + 400, appliedMs: T0 + 500, healedMs: null },
  ];
  const services = checkAll({
    kinds: { mysql: 'mysql', redis: 'redis' },
    history,
    finalState: { readAtMs: T0 + 10_000, services: [{ service: 'mysql', authoritativeNode: 'db-"b"', nodes: [{ node: 'db-"b"', idc: 'idc-b', role: 'primary', ids: present }], unreadable: [] }] },
    faults,
    outageStartMs: T0 + 1000,
    outageEndMs: T0 + 6000,
    outageIdcs: ['idc-<a>'],
    rtoWindowMs: 1000,
    failoverEvents: { mysql: { detectedMs: [T0 + 1500], promotedMs: [T0 + 2600] } },
  });
  return buildReport({
    scenario: { name: '<script>alert("name")</script>', file: 'x & y.yaml', tier: "tier 'quoted'" },
    run: 'run<1>',
    mode: 'drill',
    startedAt: T0,
    finishedAt: T0 + 12_000,
    faults,
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
    assert.match(writes, /<td><a href="#service-mysql">mysql<\/a><\/td><td>758<\/td><td>9<\/td><td>1<\/td><td><b class="bad">122<\/b><\/td><td>0<\/td><td>1<\/td><td>0<\/td><td>0<\/td><td>0<\/td><\/tr>/);
    const recovery = html.slice(html.indexOf('id="summary-recovery"'));
    assert.match(recovery, /<td><b>6\.41 s<\/b> <small class="muted">app-idc-b<\/small><\/td><td>3\.15 s<\/td><td>1\.02 s<\/td><td>2\.24 s<\/td><td>3\.03 s<\/td><td>0<\/td><td>4 \/ 16 \/ 162 ms<\/td><td>4 \/ 10 \/ 10 ms<\/td><td>3 \/ 13 \/ 50 ms<\/td>/);
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
      assert.match(svg, />recovered: RTO (6\.41|3\.50) s</);
    }
    assert.match(html, /class="legend"[\s\S]*clients in idc-a <small>\(outage IDC\)<\/small>/);
  });

  it('places the power fault where it happened on the shared axis', () => {
    // Applied 7.44 s after the drill started, healed at 28.58 s; the axis runs from 0 to about 34.5 s.
    const rect = /<rect class="fault fault-power" data-fault="[^"]+" x="([\d.]+)" y="[\d.]+" width="([\d.]+)"/.exec(html)!;
    const x = Number(rect[1]);
    const w = Number(rect[2]);
    assert.ok(x > 280 && x < 320, `x ${x}`);
    assert.ok(w > 600 && w < 700, `width ${w}`);
  });

  it('lists the lost ids with their count', () => {
    assert.match(html, /Lost writes: <b>122<\/b>/);
    for (const id of report.services[0]!.lostIds) assert.ok(html.includes(`<code>${id}</code>`), id);
    assert.match(html, /No lost writes\./, 'redis lost nothing');
  });

  it('draws the replication lag under the MySQL timeline, on the same axis, one vertex per sample', () => {
    const svg = svgById(html, 'replication-lag');
    const section = html.slice(html.indexOf('id="service-mysql"'), html.indexOf('id="service-redis"'));
    assert.ok(section.indexOf('id="timeline-mysql"') < section.indexOf('id="replication-lag"'), 'in the MySQL section, after its timeline');
    assert.equal(html.match(/id="replication-lag"/g)?.length, 1, 'once, not under redis too');
    const [db] = report.replicationLag!;
    assert.equal(db!.node, 'db-b');
    // 6 samples with a transaction count, 3 with MySQL's seconds estimate (none once replication stopped).
    assert.equal(lagPoints(svg, 'transactions', 'db-b'), db!.samples.filter((x) => x.transactionsBehind !== null).length);
    assert.equal(lagPoints(svg, 'transactions', 'db-b'), 6);
    assert.equal(lagPoints(svg, 'seconds', 'db-b'), 3);
    assert.match(svg, /<text class="unit"[^>]*>trx<\/text>/);
    assert.match(svg, /GTID count/);
    assert.match(svg, /<text class="unit"[^>]*>s<\/text>/);
    assert.match(svg, /Seconds_Behind_Source/);
    assert.match(html, /replica db-b <small>\(at most 85 transactions behind\)<\/small>/);
    // Fault windows and markers where the timeline has them: same x scale.
    const timeline = svgById(html, 'timeline-mysql');
    for (const kind of ['power', 'replication-stop']) {
      const at = new RegExp(`<rect class="fault fault-${kind}" data-fault="[^"]+" x="([\\d.]+)" y="[\\d.]+" width="([\\d.]+)"`);
      assert.deepEqual(at.exec(svg)!.slice(1), at.exec(timeline)!.slice(1), kind);
    }
    for (const m of ['detect', 'promote', 'recovered']) {
      const at = new RegExp(`<line class="marker marker-${m}" x1="([\\d.]+)"`);
      assert.equal(at.exec(svg)![1], at.exec(timeline)![1], m);
    }
    assert.match(svg, /seconds since the drill started/);
    // The replica fell behind once replication stopped (+4.0 s), before the power loss (+7.4 s).
    const stopX = Number(/<rect class="fault fault-replication-stop" data-fault="[^"]+" x="([\d.]+)"/.exec(svg)![1]);
    const powerX = Number(/<rect class="fault fault-power" data-fault="[^"]+" x="([\d.]+)"/.exec(svg)![1]);
    const xs = [...panel(svg, 'transactions').matchAll(/[ML]([\d.]+) /g)].map((m) => Number(m[1]));
    assert.ok(xs[2]! < stopX && xs[3]! > stopX && xs[5]! < powerX, xs.join(' '));
    // Not replicating from the first stopped sample (+4.1 s) to the last (+6.1 s).
    const bar = /<rect class="not-replicating" data-node="db-b" x="([\d.]+)" y="[\d.]+" width="([\d.]+)"/.exec(svg)!;
    assert.equal(Number(bar[1]), xs[3]);
    assert.ok(Math.abs(Number(bar[1]) + Number(bar[2]) - xs[5]!) < 0.2);
  });

  it('shows stale reads and conflicts in the summary, and read latency and read errors by phase', () => {
    const writesHead = html.slice(html.indexOf('id="summary-writes"'), html.indexOf('</thead>', html.indexOf('id="summary-writes"')));
    assert.match(writesHead, /<th>divergent<\/th><th>conflicts<\/th>/);
    const reads = html.slice(html.indexOf('id="summary-reads"'), html.indexOf('id="summary-recovery"'));
    assert.match(reads, /<th>stale<\/th><th>stale age p99<\/th><th>stale age max<\/th>/);
    assert.match(reads, /<td><a href="#service-mysql">mysql<\/a><\/td><td>443<\/td><td>0<\/td><td><b class="bad">77<\/b><\/td><td>4\.25 s<\/td><td>4\.65 s<\/td><td>0<\/td><td>2 \/ 29 \/ 142 ms<\/td>/);
    assert.match(reads, /<td><a href="#service-redis">redis<\/a><\/td><td>443<\/td><td>6<\/td><td><b class="bad">47<\/b><\/td><td>32\.43 s<\/td><td>32\.83 s<\/td>/);
    const phases = html.slice(html.indexOf('id="phases-mysql"'), html.indexOf('</table>', html.indexOf('id="phases-mysql"')));
    assert.match(phases, /<th>reads<\/th><th>read errors<\/th><th>read p50<\/th><th>read p99<\/th><th>read max<\/th>/);
    assert.match(phases, /<tr><td>during<\/td><td>12<\/td><td>2<\/td><td>9<\/td><td>1<\/td><td>83\.3%<\/td><td>4 ms<\/td><td>10 ms<\/td><td>10 ms<\/td><td>65<\/td><td>0<\/td><td>2 ms<\/td><td>29 ms<\/td><td>29 ms<\/td><\/tr>/);
    assert.match(phases, /<tr><td>after<\/td><td>502<\/td>.*<td>250<\/td><td>0<\/td><td>2 ms<\/td><td>18 ms<\/td><td>51 ms<\/td><\/tr>/);
    const redisPhases = html.slice(html.indexOf('id="phases-redis"'), html.indexOf('</table>', html.indexOf('id="phases-redis"')));
    assert.match(redisPhases, /<tr><td>during<\/td>.*<td>36<\/td><td><b class="bad">3<\/b><\/td><td>1 ms<\/td><td>24 ms<\/td><td>24 ms<\/td><\/tr>/);
  });

  it('lists stale reads by client IDC with the nodes read', () => {
    const table = html.slice(html.indexOf('id="reads-mysql"'), html.indexOf('</table>', html.indexOf('id="reads-mysql"')));
    assert.match(table, /<caption>Stale reads by client IDC<\/caption>/);
    assert.match(table, /<th>client IDC<\/th><th>nodes read<\/th><th>reads<\/th><th>failed<\/th><th>stale<\/th><th>p99 age<\/th><th>max age<\/th>/);
    assert.match(table, /<tr><td>idc-a<\/td><td><code>10\.212\.1\.10<\/code><\/td><td>112<\/td><td>0<\/td><td><b class="bad">47<\/b><\/td><td>4\.55 s<\/td><td>4\.65 s<\/td><\/tr>/);
    assert.match(table, /<tr><td>idc-b<\/td><td><code>10\.212\.2\.10<\/code><\/td><td>331<\/td><td>0<\/td><td><b class="bad">30<\/b><\/td><td>2\.64 s<\/td><td>2\.94 s<\/td><\/tr>/);
    assert.match(html, /id="reads-redis"[\s\S]*?<tr><td>idc-b<\/td><td><code>10\.212\.2\.11<\/code><\/td><td>331<\/td><td>3<\/td><td>0<\/td><td>0 ms<\/td><td>0 ms<\/td><\/tr>/);
  });
});

describe('renderHtml with hostile input', () => {
  const report = hostileReport(HTML_MAX_LOST_IDS + 50);
  // Conflicts need shared keys written from two IDCs; the ids are what the page shows, so they are set by hand.
  const conflictIds = Array.from({ length: HTML_MAX_LOST_IDS + 30 }, (_, i) => `conflict-${i}-${i === 0 ? '<b>x</b>' : 'x'}`);
  report.services[0] = { ...report.services[0]!, conflicts: conflictIds.length, conflictIds };
  const html = renderHtml(report);

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

  it('lists the conflicting write ids, escaped and capped like the lost ids', () => {
    assert.match(html, /<details class="ids" id="conflict-mysql" open>\n<summary>Conflicting writes: <b>230<\/b>/);
    assert.match(html, /the first 200 shown; all 230 are in report\.json/);
    assert.ok(html.includes('<code>conflict-0-&lt;b&gt;x&lt;/b&gt;</code>'));
    assert.ok(html.includes('<code>conflict-199-x</code>'));
    assert.ok(!html.includes('conflict-200-x'));
    assert.match(html, /id="summary-writes"[\s\S]*?<td>0<\/td><td><b class="bad">230<\/b><\/td><\/tr>/, 'conflicts flagged in the summary');
    // No conflicts, no list (as for unexpected ids).
    assert.doesNotMatch(renderHtml(hostileReport(1)), /id="conflict-mysql"/);
  });

  it('counts the stale read and its age from the reads the checker saw', () => {
    assert.match(html, /id="summary-reads"[\s\S]*?<td><a href="#service-mysql">mysql<\/a><\/td><td>3<\/td><td>1<\/td><td><b class="bad">1<\/b><\/td><td>96 ms<\/td><td>96 ms<\/td><td>0<\/td><td>4 \/ 4 \/ 4 ms<\/td>/);
    assert.match(html, /id="reads-mysql"[\s\S]*?<tr><td>idc-c<\/td><td><code>db-&lt;c&gt;<\/code><\/td><td>3<\/td><td>1<\/td><td><b class="bad">1<\/b><\/td><td>96 ms<\/td><td>96 ms<\/td><\/tr>/);
    assert.match(html, /id="phases-mysql"[\s\S]*?<tr><td>before<\/td>.*<td>3<\/td><td><b class="bad">1<\/b><\/td><td>4 ms<\/td><td>4 ms<\/td><td>4 ms<\/td><\/tr>/);
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
    assert.doesNotMatch(html, /replication-lag|Replication lag/);
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
      slos: [
        slo('rtoMs', 30_000, mysql.rtoMs),
        slo('lostWrites', 200, 121),
        slo('divergentRows', 5, 3),
        slo('p99WriteMsDuringFault', 2000, null),
        slo('conflicts', 0, 2),
        slo('p99StaleReadMs', 5000, 4252.7),
      ],
    });
    assert.match(html, /<td>mysql rtoMs &lt;= 30000<\/td><td>6\.41 s<\/td><td>30\.00 s<\/td>/);
    assert.match(html, /<td>mysql lostWrites &lt;= 200<\/td><td>121<\/td><td>200 lost writes<\/td>/);
    assert.match(html, /<td>mysql divergentRows &lt;= 5<\/td><td>3<\/td><td>5 divergent ids or keys<\/td>/);
    assert.match(html, /<td>mysql conflicts &lt;= 0<\/td><td>2<\/td><td>0 conflicts<\/td>/);
    assert.match(html, /<td>mysql p99StaleReadMs &lt;= 5000<\/td><td>4\.25 s<\/td><td>5\.00 s<\/td>/);
    assert.match(html, /<td>mysql p99WriteMsDuringFault &lt;= 2000<\/td><td>not measured<\/td><td>2\.00 s<\/td>/);
  });
});

describe('renderHtml replication lag', () => {
  const sample = (at: number, transactionsBehind: number | null, secondsBehind: number | null, replicating = true): LagSeries['samples'][number] => ({
    at: T0 + at,
    transactionsBehind,
    secondsBehind,
    replicating,
  });
  /** Two replicas: one with a stretch of unreadable samples and a long gap, one stopped for a while. */
  const lag = (): LagSeries[] => [
    {
      service: 'mysql',
      node: 'db-<b>',
      maxTransactionsBehind: 40,
      samples: [
        sample(1000, 0, 0),
        sample(2000, 3, 0),
        sample(3000, 40, 2),
        sample(4000, null, null),
        sample(5000, 7, 1),
        sample(9000, 0, 0),
        sample(10_000, 0, 0),
      ],
    },
    {
      service: 'mysql',
      node: 'db-c',
      maxTransactionsBehind: 12,
      samples: [sample(1000, 0, 0), sample(2000, 4, null, false), sample(3000, 12, null, false), sample(4000, 1, 0), sample(5000, 0, 0)],
    },
  ];

  it('draws one line per replica, one vertex or dot per sample with a value, broken where samples are missing', () => {
    const html = renderHtml({ ...hostileReport(1), replicationLag: lag() });
    assertBalanced(html);
    const svg = svgById(html, 'replication-lag');
    // db-<b>: 6 transaction counts in three runs (3 joined, one alone at +5 s, 2 joined after the 4 s gap).
    assert.equal(lagPoints(svg, 'transactions', 'db-&lt;b&gt;'), 6);
    assert.equal(panel(svg, 'transactions').match(/<path class="lag-series" data-node="db-&lt;b&gt;" d="M[^"]*M[^"]*"/g)?.length, 1, 'a path with two runs');
    assert.equal(panel(svg, 'transactions').match(/<circle class="lag-point" data-node="db-&lt;b&gt;"/g)?.length, 1);
    assert.equal(lagPoints(svg, 'transactions', 'db-c'), 5);
    assert.equal(lagPoints(svg, 'seconds', 'db-&lt;b&gt;'), 6);
    assert.equal(lagPoints(svg, 'seconds', 'db-c'), 3);
    assert.equal(svg.match(/<rect class="not-replicating" data-node="db-c"/g)?.length, 1);
    assert.doesNotMatch(svg, /class="not-replicating" data-node="db-&lt;b&gt;"/);
    assert.match(svg, /db-c at \+3\.0 s: 12 transactions behind, MySQL estimate n\/a, not replicating/);
    assert.match(svg, /db-&lt;b&gt; at \+3\.0 s: 40 transactions behind, MySQL estimate 2 s/);
    assert.match(html, /replica db-&lt;b&gt; <small>\(at most 40 transactions behind\)<\/small>/);
    for (const m of ['detect', 'promote', 'recovered']) assert.match(svg, new RegExp(`<line class="marker marker-${m}"`));
    assert.equal(svg.match(/<rect class="fault fault-power"/g)?.length, 1);
    assert.doesNotMatch(html, /<img|<b>x/);
  });

  it('draws no lag chart when the report has no replication lag', () => {
    const base = hostileReport(1);
    for (const replicationLag of [undefined, [], [{ service: 'mysql' as const, node: 'db-b', maxTransactionsBehind: null, samples: [] }]]) {
      const html = renderHtml({ ...base, ...(replicationLag === undefined ? {} : { replicationLag }) });
      assert.doesNotMatch(html, /replication-lag|Replication lag|class="lag/, JSON.stringify(replicationLag));
      assert.match(html, /<svg class="timeline" id="timeline-mysql"/);
    }
  });

  it('stretches the shared time axis to the lag samples, and draws lag without a MySQL service in its own section', () => {
    const base = hostileReport(1);
    const late: LagSeries[] = [{ service: 'mysql', node: 'db-b', maxTransactionsBehind: 2, samples: [sample(1000, 0, 0), sample(20_000, 2, 1)] }];
    const html = renderHtml({ ...base, replicationLag: late });
    // The last sample at +20 s sits at the right end of the plot, in the lag chart and on the timeline's axis alike.
    // The two samples are 19 s apart: two dots, not a line.
    const dots = [...panel(svgById(html, 'replication-lag'), 'transactions').matchAll(/<circle class="lag-point" data-node="db-b" cx="([\d.]+)"/g)].map((m) => Number(m[1]));
    assert.equal(dots.length, 2);
    assert.equal(dots[1], 1076);
    assert.match(svgById(html, 'timeline-mysql'), />20 s<\/text>/);
    const redisOnly = renderHtml({ ...base, services: [{ ...base.services[0]!, name: 'redis', kind: 'redis' }], replicationLag: late });
    assertBalanced(redisOnly);
    assert.match(redisOnly, /<section class="service" id="replication-lag-section"><h2>MySQL replication lag<\/h2>/);
    assert.equal(lagPoints(svgById(redisOnly, 'replication-lag'), 'transactions', 'db-b'), 2);
    assert.doesNotMatch(svgById(redisOnly, 'replication-lag'), /class="marker/, 'no MySQL service, so no MySQL failover markers');
  });
});

function svgById(html: string, id: string): string {
  const start = html.search(new RegExp(`<svg class="timeline[^"]*" id="${id}"`));
  assert.ok(start > 0, `no svg #${id}`);
  return html.slice(start, html.indexOf('</svg>', start));
}

function panel(svg: string, metric: string): string {
  const start = svg.indexOf(`<g class="panel panel-lag-${metric}">`);
  assert.ok(start >= 0, `no ${metric} panel`);
  return svg.slice(start, svg.indexOf('</g>', start));
}

/** Points drawn for a replica in a lag panel: path vertices plus lone dots. */
function lagPoints(svg: string, metric: string, node: string): number {
  const g = panel(svg, metric);
  const paths = [...g.matchAll(/<path class="lag-series" data-node="([^"]*)" d="([^"]*)"/g)].filter((m) => m[1] === node);
  const vertices = paths.reduce((n, m) => n + (m[2]!.match(/[ML]/g)?.length ?? 0), 0);
  const dots = [...g.matchAll(/<circle class="lag-point" data-node="([^"]*)"/g)].filter((m) => m[1] === node).length;
  return vertices + dots;
}
