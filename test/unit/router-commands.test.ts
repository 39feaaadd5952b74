import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { NetworkPlan } from '../../src/core/plan/topology-plan.js';
import { faultRulesCommand, routerSetupCommands } from '../../src/core/router/filter-rules.js';
import { routerLegsFromAddresses } from '../../src/core/router/legs.js';
import { netemProbeScript } from '../../src/core/router/netem.js';
import { shellQuote } from '../../src/core/shell-quote.js';

const networks: NetworkPlan[] = ['a', 'b', 'c'].map((idc, n) => ({ idc, name: `net-${idc}`, subnet: `10.9.${n + 1}.0/24`, gateway: `10.9.${n + 1}.1`, routerIp: `10.9.${n + 1}.254` }));

describe('router filter rules', () => {
  test('a one-way cut adds one tagged DROP rule, stopping at the first failure', () => {
    assert.deepEqual(faultRulesCommand({ kind: 'cut', from: 'a', to: 'b', oneWay: true }, networks, 'f1', 'apply'), [
      'sh',
      '-c',
      'iptables -A HADRILL-FWD -s 10.9.1.0/24 -d 10.9.2.0/24 -m comment --comment hadrill:f1 -j DROP',
    ]);
    const both = faultRulesCommand({ kind: 'cut', from: 'a', to: 'b', oneWay: false }, networks, 'f1', 'apply');
    assert.match(both?.[2] ?? '', /^iptables -A .* -j DROP && iptables -A .* -s 10\.9\.2\.0\/24 -d 10\.9\.1\.0\/24 .* -j DROP$/);
  });
  test('a heal deletes exactly the same rules, each allowed to be gone already', () => {
    const heal = faultRulesCommand({ kind: 'isolate', idc: 'b' }, networks, 'f2', 'heal')?.[2] ?? '';
    const deletes = heal.split('; ').filter((c) => c !== 'true');
    assert.equal(deletes.length, 4);
    assert.ok(deletes.every((c) => /^iptables -D HADRILL-FWD -s \S+ -d \S+ -m comment --comment hadrill:f2 -j DROP 2>\/dev\/null$/.test(c)), heal);
    assert.ok(heal.endsWith('; true'), 'a repeated heal succeeds');
  });
  test('faults without rules have no router command', () => {
    assert.equal(faultRulesCommand({ kind: 'degrade', a: 'a', b: 'b', shape: {} }, networks, 'f3', 'apply'), null);
    assert.equal(faultRulesCommand({ kind: 'partition', groups: [['a', 'b', 'c'], []] }, networks, 'f3', 'apply'), null);
  });
  test('the chain is created once and jumped to from FORWARD', () => {
    assert.match(routerSetupCommands()[0]?.[2] ?? '', /iptables -N HADRILL-FWD .*iptables -C FORWARD -j HADRILL-FWD .*\|\| iptables -I FORWARD 1 -j HADRILL-FWD/);
  });
});

test('router legs are found by the router address in each subnet, whatever the interface order', () => {
  const output = ['1: lo    inet 127.0.0.1/8 scope host lo', '7: eth1@if8    inet 10.9.3.254/24 brd 10.9.3.255 scope global eth1', '5: eth0    inet 10.9.1.254/24 brd 10.9.1.255 scope global eth0', '9: eth2    inet 10.9.2.254/24 scope global eth2'].join('\n');
  assert.deepEqual(routerLegsFromAddresses(output, networks), { c: 'eth1', a: 'eth0', b: 'eth2' });
});

test('the netem probe builds and removes the whole HTB + u32 + netem tree on lo', () => {
  const probe = netemProbeScript();
  for (const part of ["'qdisc add dev lo root handle 1: htb default 999'", 'netem delay 1ms', 'u32 match ip src 127.0.0.0/8 flowid 1:1', '| tc -batch -', 'tc qdisc del dev lo root']) assert.ok(probe.includes(part), part);
});

test('shell quoting leaves plain words alone and quotes the rest', () => {
  assert.equal(shellQuote('10.9.1.0/24'), '10.9.1.0/24');
  assert.equal(shellQuote('hadrill:f1'), 'hadrill:f1');
  assert.equal(shellQuote('a b'), "'a b'");
  assert.equal(shellQuote("it's"), "'it'\\''s'");
  assert.equal(shellQuote('$(x)'), "'$(x)'");
});
