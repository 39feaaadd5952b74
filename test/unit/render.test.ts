import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { Ajv } from 'ajv';
import { checkAll } from '../../src/core/check/checker.js';
import type { DalSummary } from '../../src/core/check/dal-summary.js';
import { evaluateSlos } from '../../src/core/check/slo.js';
import type { OpRecord, Outcome } from '../../src/core/history.js';
import { buildReport, type Report } from '../../src/core/report/report-model.js';
import { escapeXmlAttr, renderJunit } from '../../src/core/report/render-junit.js';
import { renderMarkdown } from '../../src/core/report/render-markdown.js';
import { formatDuration, renderSummary } from '../../src/core/report/render-summary.js';

const T0 = Date.UTC(2025, 0, 2, 3, 4, 5);

function op(id: string, outcome: Outcome, invokeMs: number, service: 'mysql' | 'redis' = 'mysql', idc = 'idc-b'): OpRecord {
  return { id, service, kind: 'write', client: `${service}-${idc}`, idc, invokeMs: T0 + invokeMs, completeMs: T0 + invokeMs + 10, outcome };
}

function sampleReport(scenarioName = 'hot-standby'): Report {
  const history: OpRecord[] = [op('m-lost-1', 'ok', 100), op('m-lost-2', 'ok', 200), op('m-u1', 'unknown', 300), op('m-u2', 'unknown', 400)];
  // mysql: failing from the outage at 1000 until 2500, then ok every 100 ms.
  for (let t = 1000; t < 2500; t += 100) history.push(op(`m-f${t}`, 'failed', t));
  for (let t = 2500; t < 6000; t += 100) history.push(op(`m-ok${t}`, 'ok', t));
  // redis: never recovers.
  history.push(op('r-1', 'ok', 100, 'redis'));
  for (let t = 1000; t < 6000; t += 100) history.push(op(`r-f${t}`, 'failed', t, 'redis'));
  const mysqlIds = history.filter((o) => o.service === 'mysql' && o.outcome === 'ok' && !o.id.startsWith('m-lost')).map((o) => o.id);
  const services = checkAll({
    kinds: { mysql: 'mysql', redis: 'redis' },
    history,
    finalState: {
      readAtMs: T0 + 10_000,
      services: [
        { service: 'mysql', authoritativeNode: 'mysql-b1', nodes: [{ node: 'mysql-b1', idc: 'idc-b', role: 'primary', ids: [...mysqlIds, 'm-u1'] }], unreadable: [] },
        { service: 'redis', authoritativeNode: 'redis-b1', nodes: [{ node: 'redis-b1', idc: 'idc-b', role: 'master', ids: ['r-1'] }], unreadable: [] },
      ],
    },
    faults: [],
    outageStartMs: T0 + 1000,
    outageEndMs: T0 + 4000,
    outageIdcs: ['idc-a'],
    rtoWindowMs: 1000,
  });
  return buildReport({
    scenario: { name: scenarioName, file: 'scenarios/hot-standby.yaml', tier: 'hot-standby' },
    run: 'r-123',
    mode: 'drill',
    startedAt: T0,
    finishedAt: T0 + 12_000,
    faults: [{ id: 'f1', spec: { kind: 'power', idc: 'idc-a' }, requestedMs: T0 + 990, appliedMs: T0 + 1000, healedMs: T0 + 4000 }],
    services,
    slos: evaluateSlos(services, { rtoMs: 2000, lostWrites: 0 }),
  });
}

describe('buildReport', () => {
  const report = sampleReport();

  it('fails the verdict iff an SLO fails, and keeps the lost ids', () => {
    assert.equal(report.verdict, 'fail');
    assert.equal(report.startedAt, '2025-01-02T03:04:05.000Z');
    assert.deepEqual(report.services[0]!.lostIds, ['m-lost-1', 'm-lost-2']);
    const passing = buildReport({ ...report, slos: report.slos.filter((s) => s.ok) });
    assert.equal(passing.verdict, 'pass');
    assert.ok(JSON.parse(JSON.stringify(report)).services[0].lostIds.includes('m-lost-2'));
  });

  it('adds notes for anomalies that no SLO covers', () => {
    const withUnexpected = buildReport({ ...report, services: [{ ...report.services[0]!, unexpected: 1, unexpectedIds: ['x'], divergent: 2 }], notes: ['mine'] });
    assert.equal(withUnexpected.notes[0], 'mine');
    assert.match(withUnexpected.notes.join('\n'), /1 ids in the final state were never attempted/);
    assert.match(withUnexpected.notes.join('\n'), /2 rows or keys differ between the nodes in service/);
  });

  it('validates against schema/report.schema.json, which is strict about extra fields', () => {
    const schema = JSON.parse(readFileSync(new URL('../../../schema/report.schema.json', import.meta.url), 'utf8')) as object;
    const validate = new Ajv({ allErrors: true, allowUnionTypes: true, strict: true }).compile(schema);
    assert.ok(validate(JSON.parse(JSON.stringify(report))), JSON.stringify(validate.errors));
    assert.equal(validate({ ...report, extra: 1 }), false);
    const { lostIds: _dropped, ...withoutIds } = report.services[0]!;
    assert.equal(validate({ ...report, services: [withoutIds] }), false);
    assert.equal(validate({ ...report, faults: [{ ...report.faults[0]!, spec: { kind: 'power', node: 'x' } }] }), false);
  });

  it("carries the data access layer's summary, which the schema and the Markdown report know", () => {
    const dal: DalSummary = {
      shardedGroup: 'users',
      routers: [{ zone: 'unit-b', local: 10, forwarded: 4, received: 3, global: 2, reads: 9, refused: { DAL_WRITE_PROTECTED: 5 }, failed: 1 }],
      moves: [{ zone: 'unit-c', shards: [5, 6], to: { 'unit-b': [5, 6] }, protectedAt: T0, movedAt: T0 + 2260, protectedMs: 2260, epoch: 3, routersStoppedMs: 1930, caughtUpMs: 2100 }],
      acknowledged: 14,
      forwarded: 4,
      p50LocalMs: 5,
      p50ForwardedMs: 40,
      homeViolations: [],
      movedUsers: 2,
    };
    const routed = buildReport({ ...report, dal });
    const schema = JSON.parse(readFileSync(new URL('../../../schema/report.schema.json', import.meta.url), 'utf8')) as object;
    const validate = new Ajv({ allErrors: true, allowUnionTypes: true, strict: true }).compile(schema);
    assert.ok(validate(JSON.parse(JSON.stringify(routed))), JSON.stringify(validate.errors));
    assert.equal(validate({ ...routed, dal: { ...dal, routers: [{ ...dal.routers[0]!, refused: { X: -1 } }] } }), false);
    const md = renderMarkdown(routed);
    assert.match(md, /### Data access layer/);
    assert.match(md, /forwarded to another zone's home: 4 \(28\.6%\); p50 5 ms written in the client's zone, 40 ms forwarded/);
    assert.match(md, /\| `unit-b` \| 10 \| 4 \| 3 \| 2 \| 9 \| DAL_WRITE_PROTECTED 5 \| 1 \|/);
    assert.match(md, /`unit-c` lost: shards 5, 6 write protected for 2\.26 s \(routers stopped after 1\.93 s, new homes caught up after 2\.10 s\), moved \(5, 6 to `unit-b`\) at epoch 3/);
    assert.doesNotMatch(renderMarkdown(report), /Data access layer/);
  });
});

describe('renderMarkdown', () => {
  const md = renderMarkdown(sampleReport());

  it('leads with the verdict and shows the numbers per service', () => {
    assert.match(md, /^## ❌ hadrill: hot-standby: FAIL/);
    assert.match(md, /### mysql\n/);
    assert.match(md, /\| acknowledged \| 37 \|/);
    assert.match(md, /\| \*\*lost\*\* \| \*\*2\*\* \|/);
    assert.match(md, /\| unknown, present \| 1 \|/);
    assert.match(md, /\| unknown, absent \| 1 \|/);
    assert.match(md, /\| \*\*RTO\*\* \(worst client\) \| \*\*1\.50 s\*\* \(`mysql-idc-b` in idc-b\) \|/);
    assert.match(md, /\| RPO window \(oldest to newest lost acknowledgement\) \| 100 ms \|/);
    assert.match(md, /\| RPO: oldest lost write acknowledged before the outage by \| 890 ms \|/);
    assert.match(md, /\| \*\*RTO\*\* \(worst client\) \| \*\*not recovered\*\* \(`redis-idc-b` in idc-b\) \|/);
    assert.match(md, /\| RTO: detect \/ promote \/ reroute \| n\/a \/ n\/a \/ n\/a \(writes had not recovered when the drill ended\) \|/);
    assert.match(md, /\| split brain \| 0 \(one writer at a time\) \|/);
    assert.match(md, /\| idc-b \| 54 \| 37 \| 15 \| 2 \| 2 \| 100 ms \| 1\.50 s \(`mysql-idc-b`\) \|/);
    assert.match(md, /`m-lost-1`, `m-lost-2`/);
    assert.match(md, /- power idc-a applied at 2025-01-02T03:04:06\.000Z, healed after 3\.00 s/);
  });

  it('lists every SLO with its mark and measured value', () => {
    assert.match(md, /\| ✅ \| mysql rtoMs \\<= 2000 \| 1\.50 s \|/);
    assert.match(md, /\| ❌ \| mysql lostWrites \\<= 0 \| 2 \|/);
    assert.match(md, /\| ❌ \| redis rtoMs \\<= 2000 \| not recovered \|/);
    assert.match(md, /\| ✅ \| redis lostWrites \\<= 0 \| 0 \|/);
  });

  it('shows reads, stale-read ages per IDC and conflicts of a real drill', () => {
    const real = JSON.parse(readFileSync(new URL('../../../test/fixtures/hot-standby-report/report.json', import.meta.url), 'utf8')) as Report;
    const mysql = real.services[0]!;
    mysql.conflicts = 1;
    mysql.conflictIds = ['m.app-idc-b.x.7'];
    const text = renderMarkdown(real);
    assert.match(text, /\| reads \(ok \/ failed\) \| 443 \/ 0 \|/);
    assert.match(text, /\| stale reads \| 77 \|/);
    assert.match(text, /\| stale-read age p50 \/ p99 \/ max \| 0 ms \/ 4\.25 s \/ 4\.65 s \|/);
    assert.match(text, /\| idc-b \| `10\.212\.2\.10` \| 331 \| 0 \| 30 \| 2\.64 s \| 2\.94 s \|/);
    assert.match(text, /\| conflicts \| 1 \|/);
    assert.match(text, /<summary>Conflicting writes \(overwritten by an older write\) \(1\)<\/summary>\n\n`m\.app-idc-b\.x\.7`/);
    // The phase table has the read side: 65 reads during the outage, none failed, p50 1.73 ms.
    assert.match(text, /\| during \| \d+ \| \d+ \| [\d.]+% \| [^|]+ \| [^|]+ \| [^|]+ \| 65 \| 0 \| 2 ms \| 29 ms \| 29 ms \|/);
  });

  it('says why the writes of a real drill were lost, in every renderer', async () => {
    const { renderHtml } = await import('../../src/core/report/render-html.js');
    const real = JSON.parse(readFileSync(new URL('../../../test/fixtures/hot-standby-report/report.json', import.meta.url), 'utf8')) as Report;
    const sentence = /unreplicated: 122 writes acknowledged by db-a from \+[\d.]+ s to \+[\d.]+ s; db-a \(power idc-a\) was replaced before replication shipped them; still on db-a, which can give them back/;
    assert.match(renderMarkdown(real), new RegExp(`Why writes were lost:\n\n- ${sentence.source}`));
    assert.match(renderHtml(real), new RegExp(`<li>${sentence.source}</li>`));
    assert.match(renderSummary(real), new RegExp(`mysql lost writes, why:\n  ${sentence.source}`));
    // A report written before causes were recorded says nothing of them, rather than something made up.
    delete real.services[0]!.lostCauses;
    assert.doesNotMatch(renderMarkdown(real), /Why writes were lost/);
  });

  it('escapes table-breaking characters from user input', () => {
    const odd = renderMarkdown(sampleReport('a|b <i>'));
    assert.match(odd, /hadrill: a\\\|b \\<i\\>: FAIL/);
  });
});

describe('renderJunit', () => {
  const nasty = 'drill <&"\'> one';
  const xml = renderJunit(sampleReport(nasty));

  it('writes one test case per SLO and counts the failures', () => {
    assert.equal(xml.match(/<testcase /g)?.length, 4);
    assert.equal(xml.match(/<failure /g)?.length, 2);
    assert.match(xml, /<testsuites name="hadrill" tests="4" failures="2" errors="0" time="12\.000">/);
    assert.match(xml, /<testsuite name="hadrill drill &lt;&amp;&quot;&apos;&gt; one" tests="4" failures="2"/);
  });

  it('puts the measured value in the failure message', () => {
    assert.match(xml, /<failure message="mysql lostWrites &lt;= 0 violated: measured 2\. [^"]*" type="slo\.lostWrites">/);
    assert.match(xml, /<failure message="redis rtoMs &lt;= 2000 violated: measured not recovered\. [^"]*never recovered/);
  });

  it('is well formed', () => {
    assertWellFormedXml(xml);
  });

  it('escapes attribute text and drops characters XML cannot carry', () => {
    assert.equal(escapeXmlAttr('a<b>&"c\'\n\u0001\uD800z'), 'a&lt;b&gt;&amp;&quot;c&apos;&#10;z');
  });
});

describe('renderSummary', () => {
  const text = renderSummary(sampleReport());

  it('prints an aligned plain-text table, one row per service', () => {
    const lines = text.split('\n');
    assert.deepEqual(lines.slice(0, 5), [
      'hadrill hot-standby (hot-standby, run r-123, drill)',
      '',
      'service  acknowledged  failed  unknown  lost  unknown-present  unknown-absent  conflicts            RTO  stale-read p99  verdict',
      'mysql              37      15        2     2                1               1          0         1.50 s             n/a  fail',
      'redis               1      50        0     0                0               0          0  not recovered             n/a  fail',
    ]);
    assert.deepEqual(lines.slice(6, 11), [
      'SLOs:',
      '  pass  mysql rtoMs <= 2000           1.50 s',
      '  FAIL  mysql lostWrites <= 0              2  mysql: 2 lost acknowledged writes, over the limit of 0 (lost: m-lost-1, m-lost-2)',
      '  FAIL  redis rtoMs <= 2000    not recovered  redis: writes never recovered after the outage (RTO limit 2000 ms)',
      '  pass  redis lostWrites <= 0              0',
    ]);
    assert.match(text, /verdict: FAIL \(2 of 4 SLOs failed\)\n$/);
  });

  it('never emits colour codes', () => {
    assert.doesNotMatch(text, /\u001b/);
  });

  it('formats durations for people', () => {
    assert.deepEqual([formatDuration(null), formatDuration(0), formatDuration(999.4), formatDuration(1500), formatDuration(-250)], ['n/a', '0 ms', '999 ms', '1.50 s', '-250 ms']);
  });
});

/** Enough of XML to catch a broken escape: balanced tags, quoted attributes, only known entities. */
function assertWellFormedXml(xml: string): void {
  assert.match(xml, /^<\?xml version="1\.0" encoding="UTF-8"\?>\n/);
  const body = xml.replace(/^<\?xml[^>]*\?>\n/, '');
  assert.doesNotMatch(body, /&(?!(?:amp|lt|gt|quot|apos|#\d+);)/, 'bare ampersand');
  const tag = /<(\/?)([A-Za-z][\w.-]*)((?:\s+[\w.-]+="[^"<>]*")*)\s*(\/?)>/g;
  const stack: string[] = [];
  let last = 0;
  for (let m = tag.exec(body); m !== null; m = tag.exec(body)) {
    const between = body.slice(last, m.index);
    assert.doesNotMatch(between, /[<>]/, `stray bracket before ${m[0]}`);
    last = m.index + m[0].length;
    const [, closing, name, , selfClosing] = m;
    if (closing === '/') assert.equal(stack.pop(), name, `unbalanced </${name}>`);
    else if (selfClosing !== '/') stack.push(name!);
  }
  assert.equal(body.slice(last).trim(), '');
  assert.deepEqual(stack, []);
}

describe('what the machinery did, in every renderer', () => {
  // One client in idc-b writes every 100 ms (10 ms each). A cold backup stops the server at +0.3 s for 350 ms,
  // a second one at +0.8 s fails; idc-a loses power at +1 s and the manager promotes db-b at +2.3 s.
  const history: OpRecord[] = [];
  for (let t = 0; t < 1000; t += 100) history.push(op(`b${t}`, t >= 300 && t < 700 ? 'failed' : 'ok', t));
  for (let t = 1000; t < 2500; t += 100) history.push(op(`f${t}`, 'failed', t));
  for (let t = 2500; t < 4000; t += 100) history.push(op(`a${t}`, 'ok', t));
  const ids = history.filter((o) => o.outcome === 'ok').map((o) => o.id);
  const services = checkAll({
    kinds: { mysql: 'mysql', redis: 'redis' },
    history,
    finalState: { readAtMs: T0 + 5000, services: [{ service: 'mysql', authoritativeNode: 'db-b', nodes: [{ node: 'db-b', idc: 'idc-b', role: 'primary', ids }], unreadable: [] }] },
    faults: [{ id: 'f1', spec: { kind: 'power', idc: 'idc-a' }, requestedMs: T0 + 1000, appliedMs: T0 + 1000, healedMs: null }],
    outageStartMs: T0 + 1000,
    outageEndMs: null,
    outageIdcs: ['idc-a'],
    rtoWindowMs: 1000,
    nodeNames: { '10.0.0.2': 'db-b' },
    failoverEvents: { mysql: { detectedMs: [T0 + 1200], promotedMs: [T0 + 2300], promotions: [{ atMs: T0 + 2300, node: '10.0.0.2', reason: 'same city as db-a' }] } },
    backups: {
      mysql: [
        { t: 'backup', at: T0 + 300, name: 'backup-1', stoppedAt: T0 + 300, uploadedAt: T0 + 500, restartedAt: T0 + 650, bytes: 10 },
        { t: 'backup', at: T0 + 800, name: 'backup-2', stoppedAt: T0 + 800, uploadedAt: null, restartedAt: T0 + 850, bytes: 0, error: 'disk full' },
      ],
    },
  });
  const report = buildReport({
    scenario: { name: 'cold', file: null, tier: 'cold-backup' },
    run: 'r-1',
    mode: 'drill',
    startedAt: T0,
    finishedAt: T0 + 5000,
    faults: [{ id: 'f1', spec: { kind: 'power', idc: 'idc-a' }, requestedMs: T0 + 1000, appliedMs: T0 + 1000, healedMs: null }],
    services,
    slos: [],
  });
  const mysql = report.services[0]!;

  it('counts the backups and what each cost the server and the clients', () => {
    // Server: 350 ms and 50 ms. Clients: 210 ms (last durable write done) to 700 ms (next one invoked) = 490 ms, and 710 to 800 = 90 ms.
    assert.deepEqual(mysql.backups, {
      completed: 1,
      failed: 1,
      serverDowntimeMs: { count: 2, p50Ms: 50, p99Ms: 350, maxMs: 350 },
      clientDowntimeMs: { count: 2, p50Ms: 90, p99Ms: 490, maxMs: 490 },
      lastBeforeFault: { name: 'backup-1', stoppedAt: T0 + 300, restartedAt: T0 + 650 },
    });
    assert.deepEqual(mysql.promotions, [{ atMs: T0 + 2300, node: 'db-b', reason: 'same city as db-a' }], 'the address is named');
    assert.deepEqual(mysql.byIdc[0]!.steadyWriteLatency, { count: 6, p50Ms: 10, p99Ms: 10, maxMs: 10 }, 'six durable writes before the fault');
  });

  it('shows them in Markdown, HTML and on the console', async () => {
    const { renderHtml } = await import('../../src/core/report/render-html.js');
    const promoted = '+2.3 s: db-b promoted (same city as db-a)';
    const backups = '1 completed, 1 failed; server down per backup p50 50 ms, max 350 ms; clients without an acknowledged write per backup p50 90 ms, max 490 ms; restorable: backup-1, taken at +0.3 s';
    const md = renderMarkdown(report);
    assert.ok(md.includes(`- ${promoted}`), md);
    assert.ok(md.includes(`| cold backups | ${backups} |`));
    assert.match(md, /\| idc-b \| 40 \| 21 \| 19 \| 0 \| 0 \| n\/a \| [^|]+ \| 10 ms \/ 10 ms \|/);
    const html = renderHtml(report);
    assert.ok(html.includes(`<li>${promoted}</li>`));
    assert.ok(html.includes(`Cold backups: ${backups}</p>`));
    assert.match(html, /<td>10 ms \/ 10 ms<\/td>/);
    // The timeline's markers: detection 200 ms after the fault, then the node the machinery promoted.
    assert.ok(html.includes('the failover machinery detected the failure, 200 ms after the fault'));
    assert.ok(html.includes('db-b promoted, 1.10 s after detection'));
    const text = renderSummary(report);
    assert.ok(text.includes(`mysql promotions:\n  ${promoted}`));
    assert.ok(text.includes(`mysql cold backups: ${backups}`));
  });
});
