// The proxy's part of the reroute: from the promotion until a proxy in front
// of the group marked a node up (the clients' way to the new writer), as
// splitGap measures it, the report's schema takes it and the Markdown report
// shows it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { Ajv } from 'ajv';
import { checkAll } from '../../src/core/check/checker.js';
import { splitGap, type ClockFault, type FailoverMilestones } from '../../src/core/check/rto-split.js';
import type { RtoGap } from '../../src/core/check/rto-types.js';
import { evaluateSlos } from '../../src/core/check/slo.js';
import type { OpRecord, Outcome } from '../../src/core/history.js';
import { renderMarkdown } from '../../src/core/report/render-markdown.js';
import { buildReport, type Report } from '../../src/core/report/report-model.js';

const FAULT: ClockFault = { id: 'f1', atMs: 1000, healedMs: null, label: 'power idc-a' };
const GAP: RtoGap = { startMs: 1000, endMs: 3000, lengthMs: 2000, interrupted: false };
const MILESTONES: FailoverMilestones = { detectedMs: [1200], promotedMs: [1500] };

describe('splitGap with a proxy\'s milestones', () => {
  test('proxyMs is the first time a proxy routed after the promotion, less the promotion', () => {
    const split = splitGap(GAP, [FAULT], { ...MILESTONES, routedMs: [2100, 1400, 1900] });
    assert.deepEqual(split, { faultId: 'f1', detectMs: 200, promoteMs: 300, rerouteMs: 1500, proxyMs: 400, note: null });
  });

  test('a proxy routing before the promotion (still to the old writer) is not the reroute', () => {
    assert.equal(splitGap(GAP, [FAULT], { ...MILESTONES, routedMs: [1100, 1499] }).proxyMs, null);
    assert.equal(splitGap(GAP, [FAULT], { ...MILESTONES, routedMs: [1100, 1500] }).proxyMs, 0, 'the instant of the promotion counts');
  });

  test('without routedMs (no proxy route) the split has no proxyMs at all', () => {
    const split = splitGap(GAP, [FAULT], MILESTONES);
    assert.ok(!('proxyMs' in split), JSON.stringify(split));
    assert.deepEqual(split, { faultId: 'f1', detectMs: 200, promoteMs: 300, rerouteMs: 1500, note: null });
    assert.ok(!('proxyMs' in splitGap(GAP, [FAULT], undefined)));
  });

  test('a proxy that routed only after the gap closed gives proxyMs null', () => {
    assert.equal(splitGap(GAP, [FAULT], { ...MILESTONES, routedMs: [3001] }).proxyMs, null);
    assert.equal(splitGap(GAP, [FAULT], { ...MILESTONES, routedMs: [3000] }).proxyMs, 1500, 'routing at the gap\'s very end is within it');
  });

  test('no routing reported, no promotion, or a gap that never closed: proxyMs null, still present', () => {
    const none = splitGap(GAP, [FAULT], { ...MILESTONES, routedMs: [] });
    assert.ok('proxyMs' in none);
    assert.equal(none.proxyMs, null);
    assert.equal(splitGap(GAP, [FAULT], { detectedMs: [1200], promotedMs: [], routedMs: [1900] }).proxyMs, null);
    const open = splitGap({ ...GAP, endMs: null }, [FAULT], { ...MILESTONES, routedMs: [1900] });
    assert.equal(open.proxyMs, null);
    assert.equal(open.note, 'writes had not recovered when the drill ended');
  });

  test('routing counts only until the next fault', () => {
    const next: ClockFault = { id: 'f2', atMs: 1800, healedMs: null, label: 'power idc-b' };
    assert.equal(splitGap(GAP, [FAULT, next], { ...MILESTONES, routedMs: [1900] }).proxyMs, null);
    assert.equal(splitGap(GAP, [next, FAULT], { ...MILESTONES, routedMs: [1700, 1900] }).proxyMs, 200);
  });
});

// A report as render.test.ts builds it: an outage at T0 + 1000, mysql failing until T0 + 2500.
const T0 = Date.UTC(2025, 0, 2, 3, 4, 5);

function op(id: string, outcome: Outcome, invokeMs: number): OpRecord {
  return { id, service: 'mysql', kind: 'write', client: 'mysql-idc-b', idc: 'idc-b', invokeMs: T0 + invokeMs, completeMs: T0 + invokeMs + 10, outcome };
}

function reportWith(milestones: FailoverMilestones | undefined): Report {
  const history: OpRecord[] = [op('m-0', 'ok', 100)];
  for (let t = 1000; t < 2500; t += 100) history.push(op(`m-f${t}`, 'failed', t));
  for (let t = 2500; t < 6000; t += 100) history.push(op(`m-ok${t}`, 'ok', t));
  const ids = history.filter((o) => o.outcome === 'ok').map((o) => o.id);
  const services = checkAll({
    kinds: { mysql: 'mysql' },
    history,
    finalState: { readAtMs: T0 + 10_000, services: [{ service: 'mysql', authoritativeNode: 'db-b', nodes: [{ node: 'db-b', idc: 'idc-b', role: 'primary', ids }], unreadable: [] }] },
    faults: [],
    outageStartMs: T0 + 1000,
    outageEndMs: T0 + 4000,
    outageIdcs: ['idc-a'],
    rtoWindowMs: 1000,
    ...(milestones === undefined ? {} : { failoverEvents: { mysql: milestones } }),
  });
  return buildReport({
    scenario: { name: 'stack-mha-proxy', file: 'scenarios/stacks/mha-proxy.yaml', tier: 'hot-standby' },
    run: 'r-1',
    mode: 'drill',
    startedAt: T0,
    finishedAt: T0 + 12_000,
    faults: [{ id: 'f1', spec: { kind: 'power', idc: 'idc-a' }, requestedMs: T0 + 990, appliedMs: T0 + 1000, healedMs: T0 + 4000 }],
    services,
    slos: evaluateSlos(services, { rtoMs: 40_000 }),
  });
}

const rtoRow = (md: string): string => {
  const line = md.split('\n').find((l) => l.startsWith('| RTO: detect / promote / reroute |'));
  assert.ok(line, md);
  return line;
};

describe('the proxy\'s part in the report', () => {
  const withProxy = reportWith({ detectedMs: [T0 + 1300], promotedMs: [T0 + 1800], routedMs: [T0 + 2100] });

  test('the checker carries the proxy\'s part into the report\'s split', () => {
    const split = withProxy.services[0]!.rtoSplit;
    assert.deepEqual([split.detectMs, split.promoteMs, split.rerouteMs, split.proxyMs], [300, 500, 700, 300]);
  });

  test('the Markdown RTO row shows "(of it, the proxy: ...)" after the reroute', () => {
    assert.equal(rtoRow(renderMarkdown(withProxy)), '| RTO: detect / promote / reroute | 300 ms / 500 ms / 700 ms (of it, the proxy: 300 ms) |');
  });

  test('a proxy that never routed in the gap shows n/a; a route without a proxy shows nothing of it', () => {
    const never = reportWith({ detectedMs: [T0 + 1300], promotedMs: [T0 + 1800], routedMs: [] });
    assert.match(rtoRow(renderMarkdown(never)), /700 ms \(of it, the proxy: n\/a\) \|$/);
    const noProxy = reportWith({ detectedMs: [T0 + 1300], promotedMs: [T0 + 1800] });
    assert.ok(!('proxyMs' in noProxy.services[0]!.rtoSplit));
    assert.equal(rtoRow(renderMarkdown(noProxy)), '| RTO: detect / promote / reroute | 300 ms / 500 ms / 700 ms |');
    assert.doesNotMatch(renderMarkdown(noProxy), /the proxy/);
  });

  test('the proxy\'s part comes before the note', () => {
    const s = withProxy.services[0]!;
    const noted = { ...withProxy, services: [{ ...s, rtoSplit: { ...s.rtoSplit, proxyMs: 1500, note: 'a note' } }] };
    assert.match(rtoRow(renderMarkdown(noted)), /700 ms \(of it, the proxy: 1\.50 s\) \(a note\) \|$/);
  });

  test('schema/report.schema.json takes proxyMs as a number or null, and a split without it', () => {
    const schema = JSON.parse(readFileSync(new URL('../../../schema/report.schema.json', import.meta.url), 'utf8')) as object;
    const validate = new Ajv({ allErrors: true, allowUnionTypes: true, strict: true }).compile(schema);
    for (const r of [withProxy, reportWith({ detectedMs: [T0 + 1300], promotedMs: [T0 + 1800], routedMs: [] }), reportWith({ detectedMs: [T0 + 1300], promotedMs: [T0 + 1800] })]) {
      assert.ok(validate(JSON.parse(JSON.stringify(r))), JSON.stringify(validate.errors));
    }
    const s = withProxy.services[0]!;
    assert.equal(validate(JSON.parse(JSON.stringify({ ...withProxy, services: [{ ...s, rtoSplit: { ...s.rtoSplit, proxyMs: 'soon' } }] }))), false);
  });
});
