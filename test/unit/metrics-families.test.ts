import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { HistoryLine } from '../../src/core/history.js';
import { renderText, type MetricFamily, type ScalarSample } from '../../src/core/metrics/exposition.js';
import { outcomeFamilies, RunMetrics } from '../../src/core/metrics/hadrill-metrics.js';
import { authority, parseListenAddress } from '../../src/core/metrics/listen-address.js';
import { WRITE_LATENCY_BOUNDS, WriteCounters } from '../../src/core/metrics/write-counters.js';
import type { Report } from '../../src/core/report/report-model.js';
import { HadrillError } from '../../src/core/errors.js';
import { haveBinary, PROMTOOL, promtoolCheck } from '../support/prometheus.js';

const fixture = JSON.parse(readFileSync(new URL('../../../test/fixtures/hot-standby-report/report.json', import.meta.url), 'utf8')) as Report;

function write(id: string, service: string, idc: string, at: number, latencyMs: number, outcome: 'ok' | 'failed' | 'unknown'): HistoryLine[] {
  return [
    { t: 'invoke', id, service, kind: 'write', client: `c-${idc}`, idc, at },
    { t: 'complete', id, at: at + latencyMs, outcome },
  ];
}

function samples(families: MetricFamily[], name: string): ScalarSample[] {
  const family = families.find((f) => f.name === name);
  assert.ok(family && family.type !== 'histogram', `${name} is there`);
  return [...family.samples];
}

describe('write counters', () => {
  it('count completed writes per group, IDC and outcome, and bucket the latency of acknowledged ones', () => {
    const counters = new WriteCounters();
    const lines = [
      ...write('w1', 'mysql', 'idc-a', 1000, 3, 'ok'),
      ...write('w2', 'mysql', 'idc-a', 1100, 30, 'ok'),
      ...write('w3', 'mysql', 'idc-a', 1200, 2000, 'unknown'),
      ...write('w4', 'mysql', 'idc-b', 1300, 1, 'failed'),
      ...write('w5', 'redis', 'idc-a', 1400, 20_000, 'ok'),
      { t: 'invoke', id: 'r1', service: 'mysql', kind: 'read', client: 'c', idc: 'idc-a', at: 1 } as HistoryLine,
      { t: 'complete', id: 'r1', at: 2, outcome: 'ok' } as HistoryLine,
      // In flight: not counted until it completes.
      { t: 'invoke', id: 'w6', service: 'mysql', kind: 'write', client: 'c', idc: 'idc-a', at: 5000 } as HistoryLine,
      // A completion whose invoke was never seen (a damaged file) is ignored.
      { t: 'complete', id: 'ghost', at: 3, outcome: 'ok' } as HistoryLine,
      { t: 'paused', client: 'c', at: 6000 } as HistoryLine,
    ];
    for (const line of lines) counters.add(line);
    const [a, b, r] = counters.snapshot();
    assert.deepEqual([a?.group, a?.idc, a?.outcomes], ['mysql', 'idc-a', { ok: 2, failed: 0, unknown: 1 }]);
    assert.deepEqual(b?.outcomes, { ok: 0, failed: 1, unknown: 0 });
    assert.equal(b?.latencyCounts.reduce((x, y) => x + y, 0), 0, 'a failed write has no latency');
    // 3 ms falls in le=0.005, 30 ms in le=0.05.
    assert.equal(a?.latencyCounts[WRITE_LATENCY_BOUNDS.indexOf(0.005)], 1);
    assert.equal(a?.latencyCounts[WRITE_LATENCY_BOUNDS.indexOf(0.05)], 1);
    assert.ok(Math.abs((a?.latencySumSeconds ?? 0) - 0.033) < 1e-9);
    assert.equal(r?.latencyCounts.at(-1), 1, '20 s is above every bound');
    counters.add({ t: 'complete', id: 'w6', at: 5004, outcome: 'ok' });
    assert.equal(counters.snapshot()[0]?.outcomes.ok, 3, 'counters only grow');
  });
});

describe('live families', () => {
  it('give writes, latency, lag, faults and writers, and keep a healed fault at 0', () => {
    const metrics = new RunMetrics();
    metrics.addLines([...write('w1', 'mysql', 'idc-a', 1000, 3, 'ok'), ...write('w2', 'redis', 'idc-b', 1000, 3, 'unknown')]);
    metrics.setTopology({ writers: [{ group: 'mysql', writer: 'db-a' }, { group: 'redis', writer: null }], lags: [{ node: 'db-b', seconds: 2 }], activeFaults: ['replication-stop db-b', 'power idc-a'] });
    metrics.setTopology({ writers: [{ group: 'mysql', writer: 'db-b' }], lags: [], activeFaults: ['power idc-a'] });
    const families = metrics.families();
    assert.deepEqual(
      samples(families, 'hadrill_writes_total').map((s) => `${s.labels.group}/${s.labels.idc}/${s.labels.outcome}=${s.value}`),
      ['mysql/idc-a/ok=1', 'mysql/idc-a/failed=0', 'mysql/idc-a/unknown=0', 'redis/idc-b/ok=0', 'redis/idc-b/failed=0', 'redis/idc-b/unknown=1'],
    );
    assert.deepEqual(samples(families, 'hadrill_fault_active'), [
      { labels: { fault: 'power idc-a' }, value: 1 },
      { labels: { fault: 'replication-stop db-b' }, value: 0 },
    ]);
    assert.deepEqual(samples(families, 'hadrill_writer_info'), [{ labels: { group: 'mysql', writer: 'db-b' }, value: 1 }]);
    assert.equal(families.find((f) => f.name === 'hadrill_replication_lag_seconds'), undefined, 'no lag read: no family');
    assert.equal(families.find((f) => f.name === 'hadrill_drill_verdict'), undefined, 'no outcome before the report');
    metrics.setReport(fixture);
    assert.ok(metrics.families().some((f) => f.name === 'hadrill_drill_verdict'));
    // The faults read on their own (a frozen node holds the status up): the writers stay as last read.
    metrics.setActiveFaults(['freeze idc-b']);
    assert.deepEqual(samples(metrics.families(), 'hadrill_fault_active').map((s) => `${s.labels.fault}=${s.value}`), ['freeze idc-b=1', 'power idc-a=0', 'replication-stop db-b=0']);
    assert.deepEqual(samples(metrics.families(), 'hadrill_writer_info'), [{ labels: { group: 'mysql', writer: 'db-b' }, value: 1 }]);
  });
});

describe('outcome families', () => {
  it("carry the report's verdict, RTO, lost writes, SLO result and finish time", () => {
    const families = outcomeFamilies(fixture);
    const scenario = fixture.scenario.name;
    assert.deepEqual(
      samples(families, 'hadrill_drill_verdict').map((s) => [s.labels.verdict, s.value]),
      [['pass', fixture.verdict === 'pass' ? 1 : 0], ['fail', fixture.verdict === 'fail' ? 1 : 0], ['incomplete', fixture.verdict === 'incomplete' ? 1 : 0]],
    );
    assert.deepEqual(samples(families, 'hadrill_drill_lost_writes'), fixture.services.map((s) => ({ labels: { scenario, service: s.name }, value: s.lost })));
    assert.ok(fixture.services.some((s) => s.lost > 0), 'the fixture lost writes, so the figure is not trivially 0');
    assert.deepEqual(samples(families, 'hadrill_drill_rto_seconds'), fixture.services.map((s) => ({ labels: { scenario, service: s.name }, value: (s.rtoMs as number) / 1000 })));
    assert.deepEqual(samples(families, 'hadrill_drill_slo_pass'), [{ labels: { scenario }, value: fixture.verdict === 'pass' ? 1 : 0 }]);
    assert.deepEqual(samples(families, 'hadrill_drill_last_run_timestamp_seconds'), [{ labels: { scenario }, value: Date.parse(fixture.finishedAt) / 1000 }]);
  });

  it('give a service that never recovered an infinite RTO, and a failed drill its verdict', () => {
    const [first, ...rest] = fixture.services;
    const failed: Report = { ...fixture, verdict: 'fail', services: [{ ...first!, recovered: false, rtoMs: null }, ...rest] };
    const families = outcomeFamilies(failed);
    assert.equal(samples(families, 'hadrill_drill_rto_seconds')[0]?.value, Infinity);
    assert.equal(samples(families, 'hadrill_drill_verdict').find((s) => s.labels.verdict === 'fail')?.value, 1);
    assert.equal(samples(families, 'hadrill_drill_slo_pass')[0]?.value, 0);
    assert.match(renderText(families), /hadrill_drill_rto_seconds\{scenario="hot-standby",service="mysql"\} \+Inf/);
  });

  it('pass promtool check metrics, with the live families', { skip: !haveBinary(PROMTOOL) && `${PROMTOOL} is not installed (CI installs it)` }, () => {
    const metrics = new RunMetrics();
    metrics.addLines(write('w1', 'mysql', 'idc-a', 1000, 3, 'ok'));
    metrics.setTopology({ writers: [{ group: 'mysql', writer: 'db-a' }], lags: [{ node: 'db-b', seconds: 0 }], activeFaults: ['power idc-a'] });
    metrics.setReport(fixture);
    const text = renderText(metrics.families());
    assert.equal(new Set(metrics.families().map((f) => f.name)).size, 10, 'every family of the list is there');
    const result = promtoolCheck(text);
    assert.equal(result.code, 0, `${result.output}\n${text}`);
    assert.equal(result.output.trim(), '');
  });
});

describe('--metrics-listen addresses', () => {
  it('listen on loopback when only a port is given, and where written otherwise', () => {
    assert.deepEqual(parseListenAddress('9464'), { host: '127.0.0.1', port: 9464, loopback: true });
    assert.deepEqual(parseListenAddress(':9464'), { host: '127.0.0.1', port: 9464, loopback: true });
    assert.deepEqual(parseListenAddress('localhost:9464'), { host: 'localhost', port: 9464, loopback: true });
    assert.deepEqual(parseListenAddress('0.0.0.0:9464'), { host: '0.0.0.0', port: 9464, loopback: false });
    assert.deepEqual(parseListenAddress('[::1]:9464'), { host: '::1', port: 9464, loopback: true });
    assert.equal(authority(parseListenAddress('[::]:80')), '[::]:80');
  });

  it('refuse what is no address, as a usage error', () => {
    for (const bad of ['', 'abc', '127.0.0.1', '127.0.0.1:0', ':70000', 'a b:80', 'http://x:80']) {
      assert.throws(() => parseListenAddress(bad), (e: unknown) => e instanceof HadrillError && e.code === 'usage' && e.message.startsWith('--metrics-listen'), bad);
    }
  });
});
