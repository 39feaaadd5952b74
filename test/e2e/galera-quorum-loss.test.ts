// End to end: a Galera cluster losing quorum. Three nodes in three cities;
// idc-b loses power at 5 s, idc-c at 12 s, both come back at the heal. After
// the second loss db-a is alone, one of the two members of the last primary
// component: it must refuse every write (non-primary), never acknowledge one.
// When both return, pc.recovery re-forms the primary component with db-c and
// db-b rejoins: the drill must converge to one primary component of all three
// nodes, with nothing acknowledged lost and no node different from the others.
// (Before the nodes recovered their Galera position after a power loss, both
// rejoined by full rsync SST from db-a, one after the other, and db-b now and
// then missed the drill's convergence bound.)
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { keptDrillSuite } from '../support/kept-drill.js';
import { galeraMembership, mysqlIds, mysqlRegisters } from '../support/node-reads.js';
import { acknowledgedIds, difference } from '../support/report-files.js';

const NODES = ['db-a', 'db-b', 'db-c'] as const;

describe('multi-active, Galera: idc-b loses power, then idc-c, then both return', () => {
  const suite = keptDrillSuite('e2e-galera-quorum');

  test('db-a alone refuses every write, both nodes rejoin, one primary component of three, nothing acknowledged lost', { timeout: 400_000 }, async () => {
    const { result, report, history, state, ipOf } = await suite.drill('test/fixtures/galera-quorum-loss.yaml');
    assert.equal(result.code, 0, result.stderr.slice(-3000));
    const s = report.services.find((x) => x.name === 'mysql')!;
    const why = `RTO ${s.rtoMs}, failures ${JSON.stringify(s.failures)}, notes ${JSON.stringify(report.notes)}`;
    assert.deepEqual(
      report.notes.filter((n) => /had not converged/.test(n)),
      [],
      'the topology converged within the drill bound',
    );

    // The second outage: from idc-c's power loss to the first return (the heal powers idc-c on first).
    const powers = report.faults.filter((f) => f.spec.kind === 'power');
    const lossC = powers.find((f) => f.spec.kind === 'power' && f.spec.idc === 'idc-c')!;
    assert.ok(lossC && powers.every((f) => f.healedMs !== null));
    const firstReturn = Math.min(...powers.map((f) => f.healedMs!));
    const alone = history.filter((o) => o.service === 'mysql' && o.kind === 'write' && o.idc === 'idc-a' && o.invokeMs > lossC.appliedMs && o.invokeMs < firstReturn);
    assert.ok(alone.length > 20, `idc-a kept trying while db-a was alone: ${alone.length} writes`);
    assert.deepEqual(alone.filter((o) => o.outcome === 'ok').map((o) => o.id), [], 'db-a acknowledged no write while alone');
    // Once it has given up on db-c (suspect_timeout 5 s plus the membership change), db-a is non-primary and refuses with 1047.
    const refused = alone.filter((o) => o.invokeMs > lossC.appliedMs + 7000);
    assert.ok(refused.length > 10, `writes after db-a gave up on db-c: ${refused.length}`);
    assert.deepEqual(refused.filter((o) => o.outcome !== 'failed').map((o) => `${o.id} ${o.outcome}`), [], 'every write to the non-primary db-a failed');
    assert.ok(refused.every((o) => /^ER_UNKNOWN_COM_ERROR/.test(o.error ?? '')), why);

    // The end: one primary component of all three, each synced, read here from each node.
    for (const node of NODES) {
      assert.deepEqual(await galeraMembership(ipOf(node), state.secrets.rootPassword), { status: 'Primary', size: 3, state: 'Synced' }, `${node} at the end`);
    }
    assert.ok(s.recovered, why);

    // Nothing acknowledged is lost, and the three nodes hold the same rows and keys.
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
  });
});
