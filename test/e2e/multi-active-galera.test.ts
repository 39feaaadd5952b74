// End to end: cross-city multi-active on MariaDB Galera. Three nodes in three
// cities, every city writing to its own node; idc-c is isolated for 15 s. The
// minority must stop taking writes (its clients get errors, nothing it
// acknowledged is lost), the majority must go on after evicting it, and after
// the heal idc-c must rejoin and hold exactly what the others hold: checked
// here against the rows of all three nodes.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { keptDrillSuite } from '../support/kept-drill.js';
import { mysqlIds, mysqlRegisters } from '../support/node-reads.js';
import { acknowledgedIds, difference } from '../support/report-files.js';

const NODES = ['db-a', 'db-b', 'db-c'] as const;
/** The scenario's round trip between two cities. */
const CROSS_CITY_RTT_MS = 30;

describe('multi-active, Galera: three cities, one isolated for 15 s', () => {
  const suite = keptDrillSuite('e2e-galera');

  test('the isolated minority stops taking writes, the majority goes on, nothing acknowledged is lost, all three converge', { timeout: 400_000 }, async () => {
    const { result, report, history, state, ipOf } = await suite.drill('scenarios/multi-active-galera.yaml');
    assert.equal(result.code, 0, result.stderr.slice(-3000));
    const s = report.services.find((x) => x.name === 'mysql')!;
    const why = `RTO ${s.rtoMs}, failures ${JSON.stringify(s.failures)}, notes ${JSON.stringify(report.notes)}`;
    const isolation = report.faults.find((f) => f.spec.kind === 'isolate')!;
    assert.ok(isolation.healedMs !== null);
    const writes = history.filter((o) => o.service === 'mysql' && o.kind === 'write');

    // The minority: once cut off, its node refuses every write (1047, not in the primary component) until the heal.
    const minority = writes.filter((o) => o.idc === 'idc-c' && o.invokeMs > isolation.appliedMs + 1000 && o.invokeMs < isolation.healedMs!);
    assert.ok(minority.length > 100, `idc-c kept trying: ${minority.length} writes`);
    assert.deepEqual(minority.filter((o) => o.outcome === 'ok').map((o) => o.id), [], 'no write acknowledged by the minority');
    assert.ok(minority.filter((o) => o.outcome === 'failed' && /^ER_UNKNOWN_COM_ERROR/.test(o.error ?? '')).length > 100, why);
    assert.ok(s.failures.some((f) => f.cause === 'ER_UNKNOWN_COM_ERROR'), why);

    // The majority stalls while it evicts idc-c, then writes on: its clients set the RTO, and recover.
    const majority = s.rto.byClient.filter((c) => c.idc !== 'idc-c');
    assert.deepEqual(majority.map((c) => [c.client, c.recovered]), [
      ['app-idc-a', true],
      ['app-idc-b', true],
    ]);
    assert.ok(s.recovered && s.rtoMs !== null && s.rtoMs > 0 && s.rtoMs < 20_000, why);
    const afterEviction = writes.filter((o) => o.idc !== 'idc-c' && o.invokeMs > isolation.appliedMs + 10_000 && o.invokeMs < isolation.healedMs!);
    assert.ok(afterEviction.filter((o) => o.outcome === 'ok').length > 100, 'the majority writes during the isolation');

    // Nothing acknowledged is lost, and the three nodes hold the same rows and keys: read here from each node.
    const rows = await Promise.all(
      NODES.map(async (node) => ({ node, ids: await mysqlIds(ipOf(node), state.secrets.rootPassword), registers: await mysqlRegisters(ipOf(node), state.secrets.rootPassword) })),
    );
    for (const r of rows) assert.deepEqual(difference(acknowledgedIds(history, 'mysql'), r.ids), [], `every acknowledged write is on ${r.node}`);
    for (const r of rows.slice(1)) {
      assert.deepEqual([...r.ids].sort(), [...rows[0]!.ids].sort(), `${r.node} holds the rows db-a holds`);
      assert.deepEqual(r.registers, rows[0]!.registers, `${r.node} holds the keys db-a holds`);
    }
    assert.equal(s.lost, 0, why);
    assert.equal(s.divergent, 0, why);
    assert.equal(s.conflicts, 0, 'a certification conflict fails the loser: no write is silently overwritten');

    // The price of synchrony: every commit waits for the other cities, so no city's median write is faster than a WAN round trip.
    for (const i of s.byIdc) assert.ok(i.steadyWriteLatency.p50Ms! >= CROSS_CITY_RTT_MS - 2, `${i.idc}: steady write p50 ${i.steadyWriteLatency.p50Ms} ms`);
    // The same cluster laid out in one city, in the same run, pays a fraction of it, and the isolation of idc-c is not its business.
    const local = report.services.find((x) => x.name === 'one-city')!;
    const slowest = Math.max(...local.byIdc.map((i) => i.steadyWriteLatency.p50Ms!));
    const fastestFar = Math.min(...s.byIdc.map((i) => i.steadyWriteLatency.p50Ms!));
    assert.ok(slowest * 3 < fastestFar, `one city's slowest median write ${slowest} ms against three cities' fastest ${fastestFar} ms`);
    assert.deepEqual(local.failures.filter((f) => f.cause !== 'ER_LOCK_DEADLOCK'), [], 'one city wrote on through the isolation of idc-c');
    assert.equal(local.lost + local.unknown + local.divergent, 0);
  });
});
