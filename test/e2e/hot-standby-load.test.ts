// End to end against real containers: hot standby under load. No replication
// stop in the timeline: 48 unpaced connections make the primary's binlog
// outgrow the line to the standby's city, so async loses what load alone left
// unshipped when idc-a loses power, and semi-sync, under the same load, loses
// nothing. Both counts are checked against the promoted standby read directly.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { OpRecord } from '../../src/core/history.js';
import { mysqlIds } from '../support/node-reads.js';
import { keptDrillSuite } from '../support/kept-drill.js';
import { acknowledgedIds, difference } from '../support/report-files.js';

const CLIENTS = ['app-a1', 'app-a2', 'app-b1'];

/** The most writes one client had in flight at once, over all its connections. */
function mostInFlight(history: OpRecord[], client: string): number {
  const edges = history
    .filter((o) => o.kind === 'write' && o.completeMs !== null && (o.client === client || o.client.startsWith(`${client}#`)))
    .flatMap((o) => [[o.invokeMs, 1] as const, [o.completeMs!, -1] as const])
    .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let now = 0;
  let most = 0;
  for (const [, step] of edges) most = Math.max(most, (now += step));
  return most;
}

function assertLoaded(history: OpRecord[]): void {
  const connections = new Set(history.filter((o) => o.kind === 'write').map((o) => o.client));
  for (const client of CLIENTS) {
    const own = [...connections].filter((c) => c === client || c.startsWith(`${client}#`)).sort();
    assert.equal(own.length, 16, `${client} wrote on 16 connections: ${own.join(', ')}`);
    assert.ok(mostInFlight(history, client) > 8, `${client} kept writes in flight side by side: at most ${mostInFlight(history, client)} at once`);
  }
}

describe('hot standby under load, async replication: load alone loses writes at power loss', () => {
  const suite = keptDrillSuite('e2e-load');

  test('the lost writes are exactly those the standby never received, with no replication stop', { timeout: 300_000 }, async () => {
    const d = await suite.drill('scenarios/hot-standby-load.yaml');
    assert.equal(d.result.code, 0, d.result.stderr.slice(-2000));
    assert.deepEqual(d.report.faults.map((f) => f.spec.kind), ['power'], 'power loss is the only fault');
    assertLoaded(d.history);

    const mysql = d.report.services.find((s) => s.name === 'mysql');
    assert.ok(mysql);
    assert.equal(mysql.authoritativeNode, 'db-b', 'the standby was promoted');
    const onStandby = await mysqlIds(d.ipOf('db-b'), d.state.secrets.rootPassword);
    const expectedLost = difference(acknowledgedIds(d.history, 'mysql'), onStandby);
    assert.ok(expectedLost.length > 0, 'the backlog load built must lose acknowledged writes');
    assert.equal(mysql.lost, expectedLost.length);
    assert.deepEqual([...mysql.lostIds].sort(), expectedLost);
    assert.deepEqual([...new Set((mysql.lostCauses ?? []).map((g) => `${g.cause} by ${g.node}, replaced by ${g.replacedBy}`))], ['unreplicated by db-a, replaced by db-b']);

    // The backlog was there before the fault, and every lost write was acknowledged before the power went.
    const power = d.report.faults[0]!;
    const lag = d.report.replicationLag?.find((l) => l.node === 'db-b');
    assert.ok(lag?.samples.some((s) => s.at < power.requestedMs && (s.transactionsBehind ?? 0) > 100), `db-b fell behind under load before the fault: ${JSON.stringify(lag?.samples.slice(0, 12))}`);
    const byId = new Map(d.history.map((o) => [o.id, o]));
    for (const id of expectedLost) assert.ok((byId.get(id)?.completeMs ?? Infinity) <= power.requestedMs + 1000, `${id} was acknowledged before the power loss took effect`);
  });
});

describe('hot standby under load, semi-sync replication: the same load loses nothing', () => {
  const suite = keptDrillSuite('e2e-load-semi');

  test('every acknowledged write is on the promoted standby', { timeout: 300_000 }, async () => {
    const d = await suite.drill('scenarios/hot-standby-load-semisync.yaml');
    assert.equal(d.result.code, 0, d.result.stderr.slice(-2000));
    assertLoaded(d.history);
    const mysql = d.report.services.find((s) => s.name === 'mysql');
    assert.ok(mysql);
    assert.equal(mysql.authoritativeNode, 'db-b');
    const acknowledged = acknowledgedIds(d.history, 'mysql');
    assert.ok(acknowledged.size > 1000, `under load: ${acknowledged.size} acknowledged writes`);
    assert.deepEqual(difference(acknowledged, await mysqlIds(d.ipOf('db-b'), d.state.secrets.rootPassword)), []);
    assert.equal(mysql.lost, 0);
  });
});
