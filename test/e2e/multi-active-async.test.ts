// End to end: cross-city multi-active on bidirectional asynchronous
// replication. Two primaries in two cities take their own clients' writes and
// replicate to each other; the link between the cities is cut for 10 s. Both
// cities must write on as if nothing happened, and after the heal the report's
// conflicts and divergence must equal a recount made here, literally, from the
// rows of both primaries and the history.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { OpRecord } from '../../src/core/history.js';
import { keptDrillSuite } from '../support/kept-drill.js';
import { mysqlIds, mysqlRegisters } from '../support/node-reads.js';

const PRIMARIES = ['db-a', 'db-b'] as const;

interface PrimaryRows {
  node: string;
  ids: Set<string>;
  /** Shared keys that some write set (a seeded key nobody wrote has the empty id). */
  registers: Map<string, string>;
}

/** Writes overwritten on some primary by an older write from the other city, acknowledged before they were sent. */
function recountConflicts(writes: OpRecord[], primaries: PrimaryRows[]): string[] {
  const byId = new Map(writes.map((w) => [w.id, w]));
  const present = (id: string): boolean => primaries.some((p) => p.ids.has(id));
  const overwritten = new Set<string>();
  for (const p of primaries) {
    for (const [key, winnerId] of p.registers) {
      const winner = byId.get(winnerId);
      assert.ok(winner !== undefined && winner.key === key, `${p.node}: ${key} holds ${winnerId}, a write to it in the history`);
      for (const w of writes) {
        if (w.key === key && w !== winner && w.outcome === 'ok' && present(w.id) && winner.outcome === 'ok' && winner.idc !== w.idc && winner.completeMs! < w.invokeMs) overwritten.add(w.id);
      }
    }
  }
  return [...overwritten].sort();
}

describe('multi-active, asynchronous: two primaries in two cities, the link between them cut for 10 s', () => {
  const suite = keptDrillSuite('e2e-async');

  test('both cities write through the cut; conflicts and divergence equal a recount from both primaries', { timeout: 300_000 }, async () => {
    const { result, report, history, state, ipOf } = await suite.drill('scenarios/multi-active-async.yaml');
    assert.equal(result.code, 0, result.stderr.slice(-3000));
    const s = report.services.find((x) => x.name === 'mysql')!;
    const why = `notes ${JSON.stringify(report.notes)}`;
    const cut = report.faults.find((f) => f.spec.kind === 'cut')!;
    assert.ok(cut.healedMs !== null, 'the cut was healed');

    // Nobody waited for the other city: every write of both cities acknowledged, through the cut too.
    const writes = history.filter((o) => o.service === 'mysql' && o.kind === 'write');
    assert.deepEqual(writes.filter((o) => o.outcome !== 'ok').map((o) => `${o.id}: ${o.outcome}`), [], why);
    for (const idc of ['idc-a', 'idc-b']) {
      const during = writes.filter((o) => o.idc === idc && o.invokeMs >= cut.requestedMs && o.invokeMs < cut.healedMs!);
      assert.ok(during.length > 150, `${idc} wrote through the 10 s cut at 20/s: ${during.length}`);
    }
    assert.equal(s.rtoMs, 0, why);
    assert.deepEqual(
      s.rto.byClient.map((c) => [c.client, c.rtoMs, c.recovered]),
      [
        ['app-idc-a', 0, true],
        ['app-idc-b', 0, true],
      ],
    );
    // A commit waits for no one across the 30 ms WAN: each city's median write is local.
    for (const i of s.byIdc) assert.ok(i.steadyWriteLatency.p50Ms! < 15, `${i.idc}: steady write p50 ${i.steadyWriteLatency.p50Ms} ms`);

    // Ground truth: both primaries' rows, read here.
    const primaries: PrimaryRows[] = await Promise.all(
      PRIMARIES.map(async (node) => ({
        node,
        ids: await mysqlIds(ipOf(node), state.secrets.rootPassword),
        registers: new Map(Object.entries(await mysqlRegisters(ipOf(node), state.secrets.rootPassword)).filter(([, id]) => id !== '')),
      })),
    );
    const [a, b] = primaries as [PrimaryRows, PrimaryRows];

    // Replication caught up both ways: every acknowledged write is on both primaries, nothing lost.
    assert.deepEqual(writes.filter((w) => !a.ids.has(w.id) || !b.ids.has(w.id)).map((w) => w.id), [], 'every write on both primaries');
    assert.equal(a.ids.size, b.ids.size);
    assert.equal(s.lost, 0);

    // Divergence: the shared keys whose value differs between the primaries (no write row differs).
    const keys = new Set([...a.registers.keys(), ...b.registers.keys()]);
    const divergent = [...keys].filter((k) => a.registers.get(k) !== b.registers.get(k));
    assert.equal(s.divergent, divergent.length, why);
    // Conflicts: acknowledged writes a stale value from the other city silently replaced.
    const conflicts = recountConflicts(writes, primaries);
    assert.deepEqual([...s.conflictIds].sort(), conflicts);
    // Both are real here: the cut leaves keys that both cities wrote with each city's value on the other's primary.
    assert.ok(conflicts.length > 0 && divergent.length > 0, `conflicts ${conflicts.length}, divergent keys ${divergent.length}`);
    for (const k of divergent) {
      const cities = new Set(writes.filter((w) => w.key === k).map((w) => w.idc));
      assert.equal(cities.size, 2, `divergent key ${k} was written from both cities`);
    }
  });
});
