// A drill's Grafana annotations: one per fault, per promotion and for the drill,
// each a body Grafana's POST /api/annotations takes (whole epoch ms, timeEnd
// never before time, string tags starting with "hadrill", no dashboard).
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { grafanaAnnotations, type GrafanaAnnotation } from '../../src/core/report/grafana-annotations.js';
import type { Report } from '../../src/core/report/report-model.js';
import { T0, grafanaReport } from '../support/grafana-report.js';

const tagged = (all: GrafanaAnnotation[], tag: string): GrafanaAnnotation[] => all.filter((a) => a.tags[1] === tag);

describe('grafanaAnnotations', () => {
  const report = grafanaReport();
  const all = grafanaAnnotations(report);

  it('gives bodies Grafana takes: whole ms times, timeEnd not before time, string tags led by hadrill, no dashboard', () => {
    assert.equal(all.length, 1 + 3 + 3);
    for (const a of all) {
      assert.equal(typeof a.text, 'string');
      assert.ok(a.text.length > 0);
      assert.ok(Number.isInteger(a.time), `time ${a.time} is not whole ms`);
      // Epoch ms, not seconds: within the drill's minute.
      assert.ok(a.time >= T0 && a.time <= T0 + 60_000, `time ${a.time}`);
      if (a.timeEnd !== undefined) {
        assert.ok(Number.isInteger(a.timeEnd), `timeEnd ${a.timeEnd} is not whole ms`);
        assert.ok(a.timeEnd >= a.time, `timeEnd ${a.timeEnd} before time ${a.time}`);
      }
      assert.equal(a.tags[0], 'hadrill');
      assert.ok(a.tags.every((t) => typeof t === 'string' && t !== ''));
      assert.deepEqual(Object.keys(a).filter((k) => !['text', 'time', 'timeEnd', 'tags'].includes(k)), []);
    }
    // What is written and posted: the JSON round trip changes nothing.
    assert.deepEqual(JSON.parse(JSON.stringify(all)), all);
  });

  it('marks each fault from when it took effect to its heal, tagged with its kind and the scenario', () => {
    assert.deepEqual(
      tagged(all, 'fault').map((a) => [a.time, a.timeEnd, a.tags]),
      [
        [T0 + 5_000, T0 + 30_001, ['hadrill', 'fault', 'replication-stop', 'hot-standby']],
        // Never healed: a point, and the text says so.
        [T0 + 8_442, undefined, ['hadrill', 'fault', 'power', 'hot-standby']],
        [T0 + 40_120, undefined, ['hadrill', 'fault', 'switchover', 'hot-standby']],
      ],
    );
    const [stop, power, switchover] = tagged(all, 'fault') as [GrafanaAnnotation, GrafanaAnnotation, GrafanaAnnotation];
    assert.equal(stop.text, 'hadrill fault: replication-stop db-b (scenario hot-standby, run ci-42); healed after 25.00 s');
    assert.equal(power.text, 'hadrill fault: power idc-a (scenario hot-standby, run ci-42); never healed in the drill');
    // A switchover has nothing to heal: no "never healed".
    assert.equal(switchover.text, 'hadrill fault: switchover redis (scenario hot-standby, run ci-42)');
  });

  it('marks each promotion, after a fault or not, with the service it moved the writer of', () => {
    assert.deepEqual(
      tagged(all, 'promotion').map((a) => [a.time, a.timeEnd, a.tags, a.text]),
      [
        [T0 + 12_346, undefined, ['hadrill', 'promotion', 'mysql', 'hot-standby'], 'hadrill promotion: db-b became the writer of mysql: master db-a unreachable (scenario hot-standby, run ci-42)'],
        [T0 + 11_000, undefined, ['hadrill', 'promotion', 'redis', 'hot-standby'], 'hadrill promotion: redis-b became the writer of redis (scenario hot-standby, run ci-42)'],
        [
          T0 + 2_000,
          undefined,
          ['hadrill', 'promotion', 'redis', 'hot-standby', 'false-failover'],
          'hadrill promotion WITHOUT A FAULT (false failover): redis-c became the writer of redis: +switch-master (scenario hot-standby, run ci-42)',
        ],
      ],
    );
  });

  it('marks the drill from start to end with its verdict, SLOs, RTO and lost writes', () => {
    const [drill, ...others] = tagged(all, 'drill');
    assert.equal(others.length, 0);
    assert.deepEqual(drill, {
      text: 'hadrill drill hot-standby (hot-standby, run ci-42): FAIL, 2 of 2 SLOs failed; mysql: RTO 6.41 s, 122 lost writes; redis: RTO not recovered, 0 lost writes',
      time: T0,
      timeEnd: T0 + 60_000,
      tags: ['hadrill', 'drill', 'fail', 'hot-standby'],
    });
  });

  it('names the services it could not check, and never ends a region before it starts', () => {
    const report: Report = {
      ...grafanaReport(),
      // A clock that stepped back: the heal recorded before the fault took effect.
      faults: [{ id: 'f1', spec: { kind: 'crash', node: 'db-a', restart: false }, requestedMs: T0 + 5_000, appliedMs: T0 + 5_000, healedMs: T0 + 4_000 }],
      services: [],
      slos: [],
      incomplete: [{ name: 'mysql', reason: 'no node could be read', attempted: 10, acknowledged: 8, readable: [], unreadable: [] }],
      verdict: 'incomplete',
    };
    const [drill, crash] = grafanaAnnotations(report) as [GrafanaAnnotation, GrafanaAnnotation];
    assert.equal(drill.text, 'hadrill drill hot-standby (hot-standby, run ci-42): INCOMPLETE, no SLOs declared; mysql: not checked (no node could be read)');
    assert.deepEqual(drill.tags, ['hadrill', 'drill', 'incomplete', 'hot-standby']);
    assert.deepEqual([crash.time, crash.timeEnd], [T0 + 5_000, T0 + 5_000]);
  });

  it('annotates the real hot-standby drill: its two faults, the drill, no promotion it did not report', () => {
    const fixture = JSON.parse(readFileSync(new URL('../../../test/fixtures/hot-standby-report/report.json', import.meta.url), 'utf8')) as Report;
    const annotations = grafanaAnnotations(fixture);
    assert.deepEqual(
      annotations.map((a) => a.tags.slice(1, 3)),
      [
        ['drill', 'pass'],
        ['fault', 'replication-stop'],
        ['fault', 'power'],
      ],
    );
    assert.deepEqual(
      annotations.slice(1).map((a) => [a.time, a.timeEnd]),
      fixture.faults.map((f) => [f.appliedMs, f.healedMs]),
    );
    assert.deepEqual([annotations[0]!.time, annotations[0]!.timeEnd], [Date.parse(fixture.startedAt), Date.parse(fixture.finishedAt)]);
  });
});
