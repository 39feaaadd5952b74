import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { leaseEnd } from '../../src/core/lease.js';
import { keepLease } from '../../src/agent/lease-keeper.js';
import { ScenarioError } from '../../src/core/errors.js';
import { parseScenario } from '../../src/core/scenario/parse-scenario.js';
import { KIND_MODELS } from '../../src/datastores/registry.js';

describe('the run\'s lease', () => {
  test('the lease file names the end; without a readable one, the agent\'s start plus the TTL', () => {
    assert.equal(leaseEnd(1000, 60_000, null), 61_000);
    assert.equal(leaseEnd(1000, 60_000, '{"until": 5000}'), 5000, 'a renewal may also end it sooner');
    assert.equal(leaseEnd(1000, 60_000, '{"until": 9000000}'), 9_000_000);
    for (const bad of ['', '{', '{"until":"soon"}', '{"until":null}', '[]']) assert.equal(leaseEnd(1000, 60_000, bad), 61_000, bad);
  });

  test('the agent\'s keeper says when the lease ran out and when it was renewed, once each', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'hadrill-lease-')), 'lease.json');
    const events: string[] = [];
    const keeper = keepLease(file, 150, { expired: () => events.push('expired'), renewed: () => events.push('renewed') }, 20);
    await new Promise((r) => setTimeout(r, 60));
    assert.deepEqual(events, [], 'within the TTL');
    await new Promise((r) => setTimeout(r, 250));
    assert.deepEqual(events, ['expired'], 'past the TTL, said once');
    writeFileSync(file, JSON.stringify({ until: Date.now() + 60_000 }));
    keeper.look();
    assert.deepEqual(events, ['expired', 'renewed']);
    writeFileSync(file, JSON.stringify({ until: Date.now() - 1 }));
    await new Promise((r) => setTimeout(r, 80));
    assert.deepEqual(events, ['expired', 'renewed', 'expired']);
  });

  test('a scenario sets the TTL under workload (default 1h), from 1m to 24h; out of range is named at its place', () => {
    const text = (ttl: string): string =>
      `name: t\nidcs: [{ name: idc-a }, { name: idc-b, city: far }]\nredis:\n  nodes: [{ name: r1, idc: idc-a }, { name: r2, idc: idc-b }]\n  sentinels: [{ idc: idc-a }, { idc: idc-b }, { idc: idc-b }]\nworkload:\n  clients: [{ idc: idc-a }]\n${ttl}`;
    assert.equal(parseScenario(text(''), 'x.yaml', KIND_MODELS).workload.ttlMs, 3_600_000);
    assert.equal(parseScenario(text('  ttl: 90m\n'), 'x.yaml', KIND_MODELS).workload.ttlMs, 5_400_000);
    for (const ttl of ['30s', '25h']) {
      assert.throws(
        () => parseScenario(text(`  ttl: ${ttl}\n`), 'x.yaml', KIND_MODELS),
        (e: unknown) => e instanceof ScenarioError && e.problems.some((p) => /ttl .* is out of range: from 1m to 24h|at most 24h/.test(p.message) && p.path === 'workload.ttl'),
        ttl,
      );
    }
  });
});
