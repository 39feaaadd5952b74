// End to end: same-city active-active. Two IDCs of one city serve clients;
// writes go to one primary in idc-a. Losing the standby's IDC (idc-b) must
// not interrupt idc-a's writes at all; losing the primary's IDC fails over
// to idc-b. idc-b's clients pay the cross-IDC round trip on every write,
// and the report says how much.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { keptDrillSuite } from '../support/kept-drill.js';
import { mysqlIds, redisIds } from '../support/node-reads.js';
import { acknowledgedIds, difference } from '../support/report-files.js';

/** Writes every 50 ms: a pause of ten intervals would be an interruption anyone would notice. */
const INTERRUPTION_MS = 500;

describe('same-city active-active: loss of the standby IDC, then of the primary IDC', () => {
  const suite = keptDrillSuite('e2e-same');

  test('the primary side writes on through the standby IDC loss; the primary IDC loss fails over to idc-b', { timeout: 400_000 }, async () => {
    const { result, report, history, state, ipOf } = await suite.drill('scenarios/same-city-active-active.yaml');
    assert.equal(result.code, 0, result.stderr.slice(-3000));
    const [standbyLoss, primaryLoss] = [...report.faults].sort((a, b) => a.requestedMs - b.requestedMs);
    const powerCut = (f: (typeof report.faults)[number] | undefined): string | null => (f?.spec.kind === 'power' ? f.spec.idc : null);
    assert.deepEqual([powerCut(standbyLoss), powerCut(primaryLoss)], ['idc-b', 'idc-a']);
    assert.ok(standbyLoss!.healedMs !== null && standbyLoss!.healedMs < primaryLoss!.requestedMs, 'idc-b is back before idc-a goes');

    for (const [group, newWriter, held] of [
      ['mysql', 'db-b', () => mysqlIds(ipOf('db-b'), state.secrets.rootPassword)],
      ['redis', 'redis-b', () => redisIds(ipOf('redis-b'), state.secrets.redisPassword)],
    ] as const) {
      const s = report.services.find((x) => x.name === group)!;
      const why = `${group}: lost ${s.lost}, RTO ${s.rtoMs}, promotions ${JSON.stringify(s.promotions)}, notes ${JSON.stringify(report.notes)}`;
      const present = await held();

      // While idc-b is dark, idc-a's client writes as if nothing happened: every write acknowledged, none
      // later lost, no pause between acknowledgements beyond the usual.
      const during = history
        .filter((o) => o.service === group && o.kind === 'write' && o.client === 'app-idc-a' && o.invokeMs >= standbyLoss!.requestedMs && o.invokeMs < standbyLoss!.healedMs!)
        .sort((a, b) => a.invokeMs - b.invokeMs);
      assert.ok(during.length > 150, `idc-a wrote through the 10 s outage at 20/s: ${during.length}`);
      assert.deepEqual(during.filter((o) => o.outcome !== 'ok').map((o) => `${o.id}: ${o.outcome}`), [], why);
      assert.deepEqual(during.filter((o) => !present.has(o.id)).map((o) => o.id), [], `every one of them is in ${newWriter} at the end`);
      const longest = Math.max(...during.slice(1).map((o, i) => o.completeMs! - during[i]!.completeMs!));
      assert.ok(longest < INTERRUPTION_MS, `longest pause between idc-a's acknowledgements: ${longest} ms`);

      // Losing idc-a fails over to idc-b, once, and writes come back.
      assert.deepEqual(s.promotions.map((p) => p.node), [newWriter], why);
      assert.ok(s.promotions[0]!.atMs > primaryLoss!.requestedMs, why);
      assert.equal(s.authoritativeNode, newWriter);
      assert.ok(s.recovered && s.rtoMs !== null && s.rtoMs < 30_000, why);
      // Lost writes, if async replication lost any, are exactly what the new writer, read here, lacks.
      assert.deepEqual([...s.lostIds].sort(), difference(acknowledgedIds(history, group), present), why);

      // What idc-b's clients pay for the primary in the other IDC: the 1 ms round trip on each write. A
      // loaded machine adds to every latency and can blur the medians; it never makes a write faster, so
      // the fastest write of each IDC shows the round trip.
      const steady = (idc: string) => s.byIdc.find((i) => i.idc === idc)!.steadyWriteLatency;
      const [a, b] = [steady('idc-a'), steady('idc-b')];
      assert.ok(a.count > 50 && b.count > 50, `writes before the first fault: ${a.count}, ${b.count}`);
      const fastest = (idc: string): number =>
        Math.min(...history.filter((o) => o.service === group && o.kind === 'write' && o.idc === idc && o.outcome === 'ok' && o.invokeMs < standbyLoss!.requestedMs).map((o) => o.completeMs! - o.invokeMs));
      const [fa, fb] = [fastest('idc-a'), fastest('idc-b')];
      assert.ok(fb >= 0.9 && fb - fa >= 0.4, `${group}: idc-b's fastest write takes ${fb} ms, idc-a's ${fa} ms (medians ${b.p50Ms}, ${a.p50Ms} ms)`);
    }
  });
});
