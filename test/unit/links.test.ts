import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { blockedPairs, describeFault, startsRtoClock } from '../../src/core/faults.js';
import { baselineLinks, directedShapes, effectiveLinks, wanConfig, NO_SHAPE } from '../../src/core/links.js';
import { netemBatch, netemCommand } from '../../src/core/router/netem.js';
import type { NetworkPlan } from '../../src/core/plan/topology-plan.js';
import { parsePercent, parseRateKbit } from '../../src/core/units.js';

const idcs = [
  { name: 'a', city: 'c1' },
  { name: 'b', city: 'c1' },
  { name: 'c', city: 'c2' },
];
const networks: NetworkPlan[] = idcs.map((i, n) => ({ idc: i.name, name: `net-${i.name}`, subnet: `10.9.${n + 1}.0/24`, gateway: `10.9.${n + 1}.1`, routerIp: `10.9.${n + 1}.254` }));

describe('link baselines and shapes', () => {
  const baseline = baselineLinks(idcs, { sameCityLatencyMs: 2, crossCityLatencyMs: 30 }, [{ a: 'c', b: 'b', shape: { ...NO_SHAPE, latencyMs: 50, lossPct: 1 } }]);
  test('every pair gets a baseline: by city, unless the scenario names the link', () => {
    assert.deepEqual(baseline.map((l) => [l.a, l.b, l.shape.latencyMs]), [['a', 'b', 2], ['a', 'c', 30], ['b', 'c', 50]]);
    assert.equal(baseline[2]?.shape.lossPct, 1);
  });
  test('a degradation overrides only what it names, on its link only', () => {
    const degraded = effectiveLinks(baseline, [{ a: 'c', b: 'a', shape: { latencyMs: 200 } }, { a: 'a', b: 'c', shape: { jitterMs: 10 } }]);
    assert.deepEqual(degraded.find((l) => l.b === 'c' && l.a === 'a')?.shape, { ...NO_SHAPE, latencyMs: 200, jitterMs: 10 });
    assert.equal(degraded.find((l) => l.a === 'a' && l.b === 'b')?.shape.latencyMs, 2);
  });
  test('latency is a round trip: each direction carries half', () => {
    const shapes = directedShapes(baseline);
    assert.equal(shapes.length, 6);
    assert.deepEqual(shapes.find((s) => s.from === 'c' && s.to === 'a'), { from: 'c', to: 'a', delayMs: 15, jitterMs: 0, lossPct: 0, rateKbit: null });
  });
  test('the userspace emulator config names subnets and shaped links', () => {
    const config = JSON.parse(wanConfig(networks, directedShapes(baseline))) as { subnets: Record<string, string>; links: unknown[] };
    assert.deepEqual(config.subnets, { a: '10.9.1.0/24', b: '10.9.2.0/24', c: '10.9.3.0/24' });
    assert.equal(config.links.length, 6);
  });
  test('netem: one HTB class and netem qdisc per source IDC on the leg into each IDC', () => {
    const lines = netemBatch(networks, { a: 'eth0', b: 'eth1', c: 'eth2' }, directedShapes(effectiveLinks(baseline, [{ a: 'a', b: 'c', shape: { jitterMs: 4, rateKbit: 1000 } }])));
    assert.equal(lines[0], 'qdisc add dev eth0 root handle 1: htb default 999');
    assert.ok(lines.includes('qdisc add dev eth2 parent 1:1 handle 10: netem delay 15ms 2ms'));
    assert.ok(lines.includes('class add dev eth2 parent 1: classid 1:1 htb rate 1000kbit'));
    assert.ok(lines.includes('filter add dev eth2 parent 1: protocol ip prio 1 u32 match ip src 10.9.1.0/24 flowid 1:1'));
    assert.ok(lines.includes('qdisc add dev eth1 parent 1:3 handle 30: netem delay 25ms loss 1%'));
    assert.equal(lines.filter((l) => l.startsWith('qdisc add') && l.includes('netem')).length, 6);
  });
  test('unshaped links add no qdisc', () => {
    const flat = baselineLinks(idcs, { sameCityLatencyMs: 0, crossCityLatencyMs: 0 }, []);
    assert.deepEqual(netemBatch(networks, { a: 'eth0', b: 'eth1', c: 'eth2' }, directedShapes(flat)), []);
  });
  test('the router command clears every leg, tolerating legs without a tree, then builds strictly', () => {
    const legs = { a: 'eth0', b: 'eth1', c: 'eth2' };
    const [sh, flag, script, arg0, ...lines] = netemCommand(networks, legs, directedShapes(baseline));
    assert.deepEqual([sh, flag, arg0], ['sh', '-c', 'sh']);
    assert.deepEqual(lines, netemBatch(networks, legs, directedShapes(baseline)));
    assert.match(script ?? '', /^tc qdisc del dev eth0 root 2>\/dev\/null; tc qdisc del dev eth1 root 2>\/dev\/null; tc qdisc del dev eth2 root 2>\/dev\/null; /);
    assert.match(script ?? '', /\| tc -batch -$/, 'no -force, errors not discarded: a refused line fails the command');
  });
});

describe('blocked pairs', () => {
  const all = ['a', 'b', 'c', 'd'];
  test('a cut is both ways unless one-way', () => {
    assert.deepEqual(blockedPairs({ kind: 'cut', from: 'a', to: 'b', oneWay: false }, all), [['a', 'b'], ['b', 'a']]);
    assert.deepEqual(blockedPairs({ kind: 'cut', from: 'a', to: 'b', oneWay: true }, all), [['a', 'b']]);
  });
  test('a partition blocks exactly the cross-group pairs; an IDC in no group bridges', () => {
    const pairs = blockedPairs({ kind: 'partition', groups: [['a', 'b'], ['c']] }, all).map((p) => p.join('>')).sort();
    assert.deepEqual(pairs, ['a>c', 'b>c', 'c>a', 'c>b']);
  });
  test('isolation blocks every link of the IDC', () => {
    assert.equal(blockedPairs({ kind: 'isolate', idc: 'b' }, all).length, 6);
  });
  test('descriptions and the RTO clock', () => {
    assert.equal(describeFault({ kind: 'degrade', a: 'a', b: 'c', shape: { latencyMs: 200, lossPct: 5 } }), 'degrade a <-> c (latency 200ms, loss 5%)');
    assert.equal(startsRtoClock({ kind: 'replication-stop', node: 'x' }), false);
    assert.equal(startsRtoClock({ kind: 'degrade', a: 'a', b: 'b', shape: {} }), false);
    assert.equal(startsRtoClock({ kind: 'crash', node: 'x', restart: true }), true);
  });
});

test('rates and percentages', () => {
  assert.equal(parseRateKbit('1mbit'), 1000);
  assert.equal(parseRateKbit('512kbit'), 512);
  assert.equal(parseRateKbit('1.5gbit'), 1_500_000);
  assert.equal(parseRateKbit('fast'), null);
  assert.equal(parsePercent('5%'), 5);
  assert.equal(parsePercent(0.5), 0.5);
  assert.equal(parsePercent('150%'), null);
});
