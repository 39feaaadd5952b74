// End to end: the user's own failover stack. MHA (Debian's mha4mysql) fails
// over a hot standby while the clients write through an HAProxy in their own
// IDC; and hadrill's manager with clients that find the writable node
// themselves. The report's lost writes are recounted from the promoted node,
// its promotion is MHA's own (its log, its hook), and the proxy's reroute is
// the proxy's own log: the node it marked up after the promotion.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { OpRecord } from '../../src/core/history.js';
import { keptDrillSuite, type KeptDrill } from '../support/kept-drill.js';
import { mysqlIds, mysqlReadOnly } from '../support/node-reads.js';
import { acknowledgedIds, difference } from '../support/report-files.js';

interface Event {
  t: string;
  at: number;
  node?: string;
  state?: string;
  phase?: string;
  code?: number | null;
  reason?: string;
}

/** The lost writes recounted from the node the report names, read directly; and that it is the only writable node. */
async function recount(d: KeptDrill): Promise<{ promoted: string; lost: string[] }> {
  const service = d.report.services.find((s) => s.name === 'mysql');
  assert.ok(service);
  const promoted = service.authoritativeNode ?? '';
  assert.notEqual(promoted, 'db-a', 'the lost primary is not the authority');
  const lost = difference(acknowledgedIds(d.history, 'mysql'), await mysqlIds(d.ipOf(promoted), d.state.secrets.rootPassword));
  assert.equal(service.lost, lost.length);
  assert.deepEqual([...service.lostIds].sort(), lost);
  for (const other of ['db-b', 'db-c'].filter((n) => n !== promoted)) {
    assert.equal(await mysqlReadOnly(d.ipOf(other), d.state.secrets.rootPassword), 1, `${other} stays read-only beside ${promoted}`);
  }
  return { promoted, lost };
}

/** Acknowledged writes, each with the node the client says it reached. */
function acknowledged(history: OpRecord[]): OpRecord[] {
  return history.filter((o) => o.service === 'mysql' && o.kind === 'write' && o.outcome === 'ok');
}

describe('MHA behind HAProxy: power loss of the primary IDC', () => {
  const suite = keptDrillSuite('e2e-mha');

  test('MHA promotes, the proxy reroutes, and every count is recounted from the nodes', { timeout: 300_000 }, async () => {
    const d = await suite.drill('scenarios/stacks/mha-proxy.yaml');
    assert.equal(d.result.code, 0, `drill verdict (stderr: ${d.result.stderr.slice(-2000)})`);
    const { promoted } = await recount(d);
    const service = d.report.services.find((s) => s.name === 'mysql')!;

    // MHA's own word: its hook's `start` named the promoted node, its log declared the master dead and
    // ran the failover's phases, and it exited after the one failover, as it does in production.
    const mha = d.events<Event>('mysql-mha');
    const promotion = mha.find((e) => e.t === 'promoted');
    assert.ok(promotion, 'MHA called its failover hook with start');
    assert.equal(promotion.node, promoted);
    assert.deepEqual(service.promotions.map((p) => [p.node, p.reason]), [[promoted, 'chosen by MHA']]);
    const detected = mha.find((e) => e.t === 'failure-detected');
    assert.ok(detected && detected.at <= promotion.at + 999, 'MHA declared the master dead before it promoted (its log has whole seconds)');
    const phases = mha.filter((e) => e.t === 'mha-phase').map((e) => e.phase);
    for (const phase of ['configuration check', 'selection', 'relay-log apply', 'replicas recovery']) assert.ok(phases.includes(phase), `MHA's log shows its ${phase} phase (${phases.join(', ')})`);
    assert.deepEqual(mha.filter((e) => e.t === 'mha-exited').map((e) => e.code), [0], 'masterha_manager exited once, after its failover');
    const mhaLog = readFileSync(join(suite.home, 'runs', suite.run, 'mysql-mha', 'mha-manager.log'), 'utf8');
    assert.match(mhaLog, new RegExp(`Master failover to ${d.ipOf(promoted).replace(/\./g, '\\.')}\\(.*\\) completed successfully`));

    // The proxy's own word: idc-b's HAProxy marked db-a down and the promoted node up after the promotion;
    // the report's proxy part of the reroute is exactly that.
    const proxy = d.events<Event>('mysql-proxy-idc-b').filter((e) => e.t === 'proxy-marked');
    const fault = d.report.faults.find((f) => f.spec.kind === 'power');
    assert.ok(fault);
    assert.ok(proxy.some((e) => e.node === 'db-a' && e.state === 'down' && e.at > fault.requestedMs), 'the proxy marked the lost primary down');
    const routed = proxy.find((e) => e.node === promoted && e.state === 'up' && e.at >= promotion.at);
    assert.ok(routed, 'the proxy marked the promoted node up');
    assert.equal(service.rtoSplit.proxyMs, routed.at - promotion.at);
    assert.ok(service.rtoSplit.rerouteMs !== null && service.rtoSplit.rerouteMs >= service.rtoSplit.proxyMs!, 'the proxy is part of the reroute');

    // Through the proxy each client says which node its connection reached (by server id): db-a before the
    // fault, the promoted node once the proxy rerouted; never the proxy's own address.
    const acks = acknowledged(d.history);
    const names = new Map(['db-a', 'db-b', 'db-c'].map((n) => [d.ipOf(n), n]));
    for (const op of acks) assert.ok(names.has(op.node ?? ''), `${op.id} names a node, not ${op.node}`);
    assert.ok(acks.some((o) => o.completeMs! < fault.requestedMs && names.get(o.node!) === 'db-a'));
    const after = acks.filter((o) => o.invokeMs > routed.at + 500);
    assert.ok(after.length > 50, `writes went on after the reroute (${after.length})`);
    assert.deepEqual([...new Set(after.map((o) => names.get(o.node!)))], [promoted]);
    assert.ok(service.rtoMs !== null && service.rtoMs > 0, `RTO ${service.rtoMs}`);
  });
});

describe('hadrill manager, clients finding the writable node themselves', () => {
  const suite = keptDrillSuite('e2e-writable');

  test('clients move to the promoted node on their own, and the counts hold', { timeout: 300_000 }, async () => {
    const d = await suite.drill('scenarios/stacks/manager-writable.yaml');
    assert.equal(d.result.code, 0, `drill verdict (stderr: ${d.result.stderr.slice(-2000)})`);
    const { promoted } = await recount(d);
    const service = d.report.services.find((s) => s.name === 'mysql')!;
    assert.equal(service.promotions[0]?.node, promoted);
    const fault = d.report.faults.find((f) => f.spec.kind === 'power')!;
    const acks = acknowledged(d.history);
    const before = acks.filter((o) => o.completeMs! < fault.requestedMs);
    assert.ok(before.length > 50 && before.every((o) => o.node === d.ipOf('db-a')), 'before the fault every write went to the first node, the primary');
    const after = acks.filter((o) => o.invokeMs > service.promotions[0]!.atMs + 1000);
    assert.ok(after.length > 50, `writes went on after the promotion (${after.length})`);
    assert.deepEqual([...new Set(after.map((o) => o.node))], [d.ipOf(promoted)], 'after it, every write went to the promoted node');
    assert.ok(service.rtoMs !== null && service.rtoMs > 0 && service.rtoMs < 30_000, `RTO ${service.rtoMs}`);
  });
});
