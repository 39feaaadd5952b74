// test/fixtures/hot-standby-report is a real hot-standby drill (async
// replication, replication stopped for 3 s, then power loss of idc-a): its
// history (writes and local reads) and final state as the drill wrote them. The checker must
// keep giving the same answers on it, and the HTML and compare tests read it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { Ajv } from 'ajv';
import { checkAll } from '../../src/core/check/checker.js';
import { downFromFaults } from '../../src/core/check/recovery.js';
import { parseReport } from '../../src/core/report/load-report.js';
import { isOutageFault } from '../../src/core/faults.js';
import type { FinalState, OpRecord } from '../../src/core/history.js';
import type { Report } from '../../src/core/report/report-model.js';

const DIR = new URL('../../../test/fixtures/hot-standby-report/', import.meta.url);
const read = (name: string): string => readFileSync(new URL(name, DIR), 'utf8');

describe('the hot-standby report fixture', () => {
  const report = JSON.parse(read('report.json')) as Report;
  const history = read('history.jsonl')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as OpRecord);
  const finalState = JSON.parse(read('final-state.json')) as FinalState;

  it('validates against the report schema', () => {
    const schema = JSON.parse(readFileSync(new URL('../../../schema/report.schema.json', import.meta.url), 'utf8')) as object;
    const validate = new Ajv({ allErrors: true, allowUnionTypes: true, strict: true }).compile(schema);
    assert.ok(validate(report), JSON.stringify(validate.errors));
  });

  it('is what the checker answers on its history and final state', () => {
    const outage = report.faults.find((f) => isOutageFault(f.spec))!;
    const start = outage.requestedMs;
    const failoverEvents = Object.fromEntries(
      report.services.map((s) => [s.name, { detectedMs: [start + s.rtoSplit.detectMs!], promotedMs: [start + s.rtoSplit.detectMs! + s.rtoSplit.promoteMs!] }]),
    );
    const services = checkAll({
      kinds: { mysql: 'mysql', redis: 'redis' },
      history,
      finalState,
      faults: report.faults,
      outageStartMs: start,
      outageEndMs: outage.healedMs,
      outageIdcs: isOutageFault(outage.spec) ? [outage.spec.idc] : [],
      down: downFromFaults(report.faults),
      rtoWindowMs: 1000,
      failoverEvents,
      writeIntervalMs: { mysql: 50, redis: 50 },
      nodeNames: { '10.212.1.10': 'db-a', '10.212.2.10': 'db-b', '10.212.1.11': 'redis-a', '10.212.2.11': 'redis-b' },
      nodeIdcs: { 'db-a': 'idc-a', 'db-b': 'idc-b', 'redis-a': 'idc-a', 'redis-b': 'idc-b' },
    });
    assert.deepEqual(JSON.parse(JSON.stringify(services)), report.services);
    // The count is the drill's own (122 lost); the RTO is the standby IDC's client, the only one that stayed up.
    assert.deepEqual(
      services.map((s) => [s.name, s.acknowledged, s.lost, s.unknownAbsent, Math.round(s.rtoMs!), s.rto.client, s.splitBrain?.ms]),
      [
        ['mysql', 758, 122, 1, 6412, 'app-idc-b', 0],
        ['redis', 815, 0, 1, 3500, 'app-idc-b', 0],
      ],
    );
  });

  it('loads the same drill as schema version 2 wrote it, upgraded without making up what version 2 did not measure', () => {
    const v2 = readFileSync(new URL('../../../test/fixtures/hot-standby-report-v2/report.json', import.meta.url), 'utf8');
    const upgraded = parseReport(v2, 'report.json');
    assert.equal(upgraded.schemaVersion, 3);
    assert.deepEqual(upgraded.incomplete, []);
    const mysql = upgraded.services.find((s) => s.name === 'mysql')!;
    assert.equal(Math.round(mysql.rtoMs!), 5974, "version 2's RTO figure is kept");
    assert.equal(mysql.splitBrain, null);
    assert.deepEqual(mysql.rto.byClient, []);
    assert.equal(mysql.rpo.windowMs, null);
    assert.equal(Math.round(mysql.rpo.beforeOutageMs!), 3432);
    assert.ok(upgraded.notes.some((n) => n.startsWith('upgraded from report schemaVersion 2')));
  });

  it('has reads from both IDCs, and stale reads where the standby stopped receiving', () => {
    // The standby's MySQL stopped receiving 3.43 s before idc-a lost power: reads from it in
    // that window missed writes acknowledged up to that long before.
    const mysql = report.services.find((s) => s.name === 'mysql')!;
    const stop = report.faults.find((f) => f.spec.kind === 'replication-stop')!;
    const power = report.faults.find((f) => f.spec.kind === 'power')!;
    const standby = mysql.reads.byIdc.find((i) => i.idc === 'idc-b')!;
    // The cut-off ends when the power loss was requested: from then on reads are judged only against writes that survived.
    assert.ok(standby.maxAgeMs! <= power.requestedMs - stop.appliedMs, `${standby.maxAgeMs} ms`);
    assert.ok(standby.maxAgeMs! >= power.requestedMs - stop.appliedMs - 500, `${standby.maxAgeMs} ms`);
    assert.deepEqual(
      report.services.map((s) => [s.name, s.reads.attempted, s.reads.stale, s.reads.unexplained, s.conflicts]),
      [
        ['mysql', 443, 77, 0, 0],
        ['redis', 443, 47, 0, 0],
      ],
    );
  });
});
