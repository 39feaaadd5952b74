// The link-precision tests measure with ping and /proc/net/snmp; these check
// the parsing and the statistics they judge by.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { icmpCounters, parsePing, quantile } from '../support/link-measure.js';

test('ping output: counts, per-reply round trips and arrival times', () => {
  const run = parsePing(`PING 10.9.2.10 (10.9.2.10) 1172(1200) bytes of data.
[1764612345.100000] 1180 bytes from 10.9.2.10: icmp_seq=1 ttl=63 time=10.9 ms
[1764612345.104800] 1180 bytes from 10.9.2.10: icmp_seq=2 ttl=63 time=15.7 ms

--- 10.9.2.10 ping statistics ---
3 packets transmitted, 2 received, 33.3333% packet loss, time 5ms
rtt min/avg/max/mdev = 10.900/13.300/15.700/2.400 ms, pipe 2
`);
  assert.deepEqual(run, { transmitted: 3, received: 2, samplesMs: [10.9, 15.7], arrivalsS: [1764612345.1, 1764612345.1048], avgMs: 13.3 });
  const quiet = parsePing('--- x ping statistics ---\n5 packets transmitted, 0 received, +5 errors, 100% packet loss, time 80ms\n');
  assert.deepEqual([quiet.received, quiet.samplesMs, quiet.avgMs], [0, [], null]);
  assert.throws(() => parsePing('connect: Network is unreachable'), /not ping output/);
});

test('ICMP counters pair each name with its value', () => {
  const snmp = 'Ip: Forwarding DefaultTTL\nIp: 1 64\nIcmp: InMsgs InErrors InEchos InEchoReps OutEchoReps\nIcmp: 12 0 5 7 5\nIcmpMsg: InType0 OutType8\nIcmpMsg: 7 9\n';
  assert.deepEqual(icmpCounters(snmp), { InMsgs: 12, InErrors: 0, InEchos: 5, InEchoReps: 7, OutEchoReps: 5 });
});

test('quantiles interpolate between the nearest ranks', () => {
  assert.equal(quantile([3, 1, 2], 0.5), 2);
  assert.equal(quantile([1, 2, 3, 4], 0.5), 2.5);
  assert.equal(quantile([10, 20, 30, 40, 50], 0.25), 20);
  assert.equal(quantile([5], 0.9), 5);
});
