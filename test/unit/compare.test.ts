// `hadrill compare`'s table and reading saved reports back.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { nodeCount } from '../../src/cli/commands/compare.js';
import { HadrillError } from '../../src/core/errors.js';
import { compareRows, lostCauseLines, renderCompareHtml, renderCompareMarkdown, renderCompareText, worstOf, type CompareService } from '../../src/core/report/compare.js';
import { parseReport } from '../../src/core/report/load-report.js';
import type { Report } from '../../src/core/report/report-model.js';

const DIR = new URL('../../../test/fixtures/hot-standby-report/', import.meta.url);
const reportText = readFileSync(new URL('report.json', DIR), 'utf8');
const historyText = readFileSync(new URL('history.jsonl', DIR), 'utf8');
const fixture = (): Report => JSON.parse(reportText) as Report;

/** The same drill as if semi-sync had kept every write and nobody failed over to a slower node. */
function semisync(): Report {
  const r = fixture();
  r.scenario = { ...r.scenario, name: 'hot-standby-semisync|x', file: null };
  const mysql = r.services[0]!;
  r.services[0] = { ...mysql, lost: 0, lostIds: [], rpo: { lostWrites: 0, windowMs: null, firstLostAckMs: null, lastLostAckMs: null, beforeOutageMs: null }, divergent: 2, conflicts: 1, conflictIds: ['m.app-idc-b.x.1'] };
  return r;
}

/** A drill without an outage: every operation is in the "before" phase. */
function noOutage(): Report {
  const r = fixture();
  r.scenario = { ...r.scenario, name: 'steady', tier: 'global-zone' };
  r.faults = [];
  r.services = [{ ...r.services[1]!, rtoMs: null, recovered: true, phases: { ...r.services[1]!.phases, after: { ...r.services[1]!.phases.after, writeLatency: { count: 0, p50Ms: null, p99Ms: null, maxMs: null } } } }];
  return r;
}

describe('compareRows', () => {
  const rows = compareRows([
    { source: 'out/async', report: fixture(), nodeCount: 4 },
    { source: 'out/semi', report: semisync(), nodeCount: null },
    { source: 'out/steady', report: noOutage(), nodeCount: 2 },
  ]);

  it('says what lost the writes, per scenario and service, in every format', () => {
    assert.deepEqual(lostCauseLines(rows), ['hot-standby mysql: 122 unreplicated']);
    assert.match(renderCompareText(rows), /Why writes were lost \(hadrill explain DIR for each write\):\n  hot-standby mysql: 122 unreplicated\n/);
    assert.match(renderCompareMarkdown(rows), /\n- hot-standby mysql: 122 unreplicated\n/);
    assert.match(renderCompareHtml(rows), /<li>hot-standby mysql: 122 unreplicated<\/li>/);
    // A report from before causes were recorded says so rather than guessing.
    const old = fixture();
    delete old.services[0]!.lostCauses;
    assert.deepEqual(lostCauseLines(compareRows([{ source: 'x', report: old, nodeCount: null }])), ['hot-standby mysql: 122 lost (this report does not record why)']);
  });

  it('takes RTO, losses, conflicts, divergence and nodes from each report', () => {
    assert.deepEqual(
      rows.map((r) => [r.scenario, r.tier, r.nodes, r.services.map((s) => [s.name, s.rtoMs === null ? null : Math.round(s.rtoMs), s.lost, s.divergent, s.conflicts])]),
      [
        ['hot-standby', 'hot-standby', 4, [['mysql', 6412, 122, 0, 0], ['redis', 3500, 0, 0, 0]]],
        ['hot-standby-semisync|x', 'hot-standby', null, [['mysql', 6412, 0, 2, 1], ['redis', 3500, 0, 0, 0]]],
        ['steady', 'global-zone', 2, [['redis', null, 0, 0, 0]]],
      ],
    );
  });

  it('reads steady write latency from before the fault, and the recovered one from after it (none without an outage)', () => {
    const mysql = rows[0]!.services[0]!;
    const phases = fixture().services[0]!.phases;
    assert.deepEqual([mysql.p50Ms, mysql.p99Ms, mysql.afterP50Ms, mysql.afterP99Ms], [phases.before.writeLatency.p50Ms, phases.before.writeLatency.p99Ms, phases.after.writeLatency.p50Ms, phases.after.writeLatency.p99Ms]);
    const steady = rows[2]!.services[0]!;
    assert.deepEqual([steady.p99Ms, steady.afterP50Ms, steady.afterP99Ms], [fixture().services[1]!.phases.before.writeLatency.p99Ms, null, null]);
  });

  it('takes the stale reads in steady state (before the outage): their share and the oldest, and none where nothing was read', () => {
    for (const [i, report] of [fixture(), semisync(), noOutage()].entries()) {
      rows[i]!.services.forEach((s, j) => {
        const before = report.services[j]!.phases.before;
        assert.deepEqual([s.staleShare, s.staleMaxMs], before.staleAge.count > 0 ? [before.staleReads / before.staleAge.count, before.staleAge.maxMs] : [null, null], `${report.scenario.name} ${s.name}`);
      });
    }
    // The fixture's MySQL replica lagged before the power loss (its replication was stopped for 3 s); its Redis did not.
    const [mysql, redis] = rows[0]!.services as [CompareService, CompareService];
    assert.ok(mysql.staleShare! > 0 && Math.round(mysql.staleMaxMs!) === 2940, `${mysql.staleShare} ${mysql.staleMaxMs}`);
    assert.equal(redis.staleShare, 0);
  });

  it('prints an aligned console table with a group of columns per family of datastore', () => {
    const text = renderCompareText(rows);
    const lines = text.split('\n');
    assert.match(lines[0]!, /^scenario +tier +MySQL RTO +MySQL lost \(window\) +MySQL split brain +MySQL steady p50\/p99 +MySQL after p50\/p99 +MySQL conflicts +MySQL divergent +MySQL stale reads +Redis RTO .* nodes$/);
    // Steady latency from before the fault (4 / 16 ms), recovered from after it (3 / 13 ms); stale reads over the run.
    assert.match(lines[1]!, /^hot-standby +hot-standby +6\.41 s +122 \(3\.03 s\) +0 +4 \/ 16 ms +3 \/ 13 ms +0 +0 +23\.4% \(max 2\.94 s\) +3\.50 s +0 +0 +2 \/ 10 ms +1 \/ 8 ms +0 +0 +0 +4$/);
    assert.match(lines[2]!, /^hot-standby-semisync\|x .* 0 +4 \/ 16 ms +3 \/ 13 ms +1 +2 .* -$/);
    assert.match(lines[3]!, /^steady +global-zone +- +- +- +- +- +- +- +- +n\/a +0 +0 +\d+ \/ \d+ ms +n\/a +0 +0 +0 +2$/);
    // Right-aligned numbers: every row ends at the header's width.
    assert.equal(new Set(lines.slice(0, 4).map((l) => l.length)).size, 1);
    assert.match(text, /steady p50\/p99: write latency of acknowledged writes in steady state, before the first fault/);
  });

  it('writes a Markdown table with its separators and escaped cells', () => {
    const md = renderCompareMarkdown(rows);
    const lines = md.split('\n');
    assert.equal(lines[0], '## hadrill: tier trade-offs');
    assert.match(lines[2]!, /^\| scenario \| tier \| MySQL RTO \| MySQL lost \(window\) \| MySQL split brain \|/);
    assert.equal(lines[3], `|---|---|${'---:|'.repeat(17)}`);
    assert.equal(lines[4], '| hot-standby | hot-standby | 6.41 s | 122 (3.03 s) | 0 | 4 / 16 ms | 3 / 13 ms | 0 | 0 | 23.4% (max 2.94 s) | 3.50 s | 0 | 0 | 2 / 10 ms | 1 / 8 ms | 0 | 0 | 0 | 4 |');
    assert.match(lines[5]!, /^\| hot-standby-semisync\\\|x \|/);
  });

  it('writes a small self-contained HTML page', () => {
    const html = renderCompareHtml(rows);
    assert.match(html, /^<!DOCTYPE html>/);
    assert.doesNotMatch(html, /https?:\/\/|<script|<link/);
    assert.match(html, /<th colspan="8" class="group">MySQL<\/th><th colspan="8" class="group">Redis<\/th>/);
    assert.match(html, /<td>hot-standby-semisync\|x<\/td>/);
    assert.match(html, /<td class="n">122 \(3\.03 s\)<\/td>/);
    // A chart per measure, a bar per scenario.
    assert.equal((html.match(/<figure>/g) ?? []).length, 8);
    assert.equal((html.match(/<rect /g) ?? []).length, 8 * rows.length);
  });

  it('puts every group of a family in its family\'s columns: the worst of them, and the sums of what was lost or differs', () => {
    const base = compareRows([{ source: 'x', report: fixture(), nodeCount: 6 }])[0]!;
    const [sql, cache] = base.services as [CompareService, CompareService];
    const caches: CompareService[] = [
      { ...cache, name: 'cache-a', rtoMs: 0, lost: 2, rpoWindowMs: 100, p50Ms: 1, p99Ms: 3, conflicts: 0, divergent: 1 },
      { ...cache, name: 'cache-b', rtoMs: 4000, lost: 3, rpoWindowMs: 900, p50Ms: 2, p99Ms: 9, conflicts: 0, divergent: 2 },
    ];
    const galera: CompareService = { ...sql, name: 'mysql', kind: 'galera', splitBrainMs: null };
    const worst = worstOf(caches)!;
    assert.deepEqual([worst.name, worst.rtoMs, worst.recovered, worst.lost, worst.rpoWindowMs, worst.p50Ms, worst.p99Ms, worst.divergent], ['cache-a+cache-b', 4000, true, 5, 900, 2, 9, 3]);
    assert.equal(worstOf([caches[0]!, { ...caches[1]!, recovered: false, rtoMs: null }])!.recovered, false);
    const lines = renderCompareText([{ ...base, services: [galera, ...caches] }]).split('\n');
    assert.match(lines[0]!, /MySQL RTO .* Redis RTO .* Redis divergent +Redis stale reads +nodes$/);
    // A Galera group sits under MySQL; the two caches make one set of Redis cells.
    assert.match(lines[1]!, / +4\.00 s +5 \(900 ms\) +0 +2 \/ 9 ms +[\d/ ]+ms +0 +3 +0 +6$/);
  });

  it('counts the distinct nodes of final-state.json', () => {
    assert.equal(nodeCount(new URL('final-state.json', DIR).pathname), 4);
    assert.equal(nodeCount('/nonexistent/final-state.json'), null);
  });
});

describe('parseReport', () => {
  const usage = (fn: () => unknown, message: RegExp): void =>
    assert.throws(fn, (e: unknown) => {
      assert.ok(e instanceof HadrillError);
      assert.equal(e.code, 'usage');
      assert.match(e.message, message);
      assert.ok(e.hint !== undefined && e.hint.length > 0);
      return true;
    });

  it('accepts a report written by this hadrill', () => {
    assert.deepEqual(parseReport(reportText, 'r.json'), fixture());
  });

  it('refuses what is not JSON, not a hadrill report, or from another schema version', () => {
    usage(() => parseReport('{"schemaVersion": 1,', 'out/report.json'), /^out\/report\.json is not valid JSON/);
    usage(() => parseReport('[]', 'x.json'), /x\.json is not a hadrill report/);
    usage(() => parseReport(JSON.stringify({ ...fixture(), schemaVersion: 4 }), 'x.json'), /x\.json has schemaVersion 4; this hadrill reads schemaVersion 3/);
  });

  it('reads a version 1 report (no reads, no shared keys) with zero reads and zero conflicts', () => {
    const v1 = new URL('../../../test/fixtures/hot-standby-report-v1/report.json', import.meta.url);
    const original = JSON.parse(readFileSync(v1, 'utf8')) as { schemaVersion: number; services: { lost: number; phases: Record<string, object> }[] };
    assert.equal(original.schemaVersion, 1);
    const upgraded = parseReport(readFileSync(v1, 'utf8'), 'v1.json');
    assert.equal(upgraded.schemaVersion, 3);
    assert.deepEqual(
      upgraded.services.map((s) => [s.name, s.lost, s.conflicts, s.conflictIds, s.reads.attempted, s.reads.staleAgeMs.count, s.phases.during.reads, s.phases.during.readLatency.count]),
      [
        ['mysql', original.services[0]!.lost, 0, [], 0, 0, 0, 0],
        ['redis', original.services[1]!.lost, 0, [], 0, 0, 0, 0],
      ],
    );
  });

  it('refuses a report that does not match the schema, naming the place', () => {
    const broken = fixture() as unknown as { services: Record<string, unknown>[] };
    broken.services[0]!['acknowledged'] = 'many';
    usage(() => parseReport(JSON.stringify(broken), 'x.json'), /does not match schema\/report\.schema\.json:\n {2}\/services\/0\/acknowledged: must be integer/);
    const noFaults = { ...fixture(), faults: undefined };
    usage(() => parseReport(JSON.stringify(noFaults), 'x.json'), /\(top level\): must have required property 'faults'/);
  });

  it("rebuilds an older report's missing timeline from the history beside it", () => {
    const old = fixture() as unknown as { services: Record<string, unknown>[] };
    for (const s of old.services) delete s['timeline'];
    assert.deepEqual(parseReport(JSON.stringify(old), 'old.json', historyText), fixture());
    const without = parseReport(JSON.stringify(old), 'old.json', null);
    assert.deepEqual(
      without.services.map((s) => s.timeline),
      [
        { bucketMs: 1000, startMs: 0, series: [] },
        { bucketMs: 1000, startMs: 0, series: [] },
      ],
    );
  });
});
