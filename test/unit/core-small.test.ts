import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { boundsFor, evaluateScenarioSlos, overrideSlos } from '../../src/core/check/slo-scope.js';
import type { ServiceResult } from '../../src/core/check/check-types.js';
import { parseDuration } from '../../src/core/duration.js';
import { faultEvents, activeFaults, type JournalEntry } from '../../src/core/journal-model.js';
import { chooseCandidate } from '../../src/datastores/mysql/sql/candidate.js';
import { lagSeries, managerMilestones, parseManagerEvents } from '../../src/core/manager-log.js';
import { domainPosition, gtidProgress } from '../../src/datastores/mysql/sql/gtid.js';
import { parseSentinelLog, sentinelMilestones } from '../../src/core/sentinel-log.js';
import { overlaps, pickSubnetBlock } from '../../src/core/subnet-picker.js';
import { waitFor, type Clock } from '../../src/core/wait.js';
import { mysqlOutcome } from '../../src/datastores/mysql/inside/outcome.js';
import { redisOutcome } from '../../src/datastores/redis/inside/outcome.js';
import { HadrillError } from '../../src/core/errors.js';
import { mergeSlos } from '../../src/cli/context.js';

describe('subnet picking', () => {
  test('the same run gets the same block, and a used block is skipped', () => {
    const a = pickSubnetBlock('hot-standby', []);
    assert.equal(pickSubnetBlock('hot-standby', []), a);
    assert.ok(a !== null && a >= 160 && a < 240);
    const b = pickSubnetBlock('hot-standby', [`10.${a}.3.0/24`]);
    assert.notEqual(b, a);
    assert.equal(pickSubnetBlock('x', ['10.0.0.0/8']), null, 'nothing free when 10/8 is taken');
  });
  test('overlap of CIDRs', () => {
    assert.equal(overlaps('10.1.0.0/16', '10.1.200.0/24'), true);
    assert.equal(overlaps('10.1.0.0/16', '10.2.0.0/16'), false);
    assert.equal(overlaps('172.17.0.1', '172.17.0.0/16'), true);
  });
});

describe('the fault journal', () => {
  const spec = { kind: 'power', idc: 'idc-a' } as const;
  test('applied and healed instants fold into fault events', () => {
    const entries: JournalEntry[] = [
      { t: 'fault.applying', id: 'f1', spec, at: 100 },
      { t: 'fault.applied', id: 'f1', at: 130 },
      { t: 'fault.applying', id: 'f2', spec: { kind: 'replication-stop', node: 'db-b' }, at: 200 },
      { t: 'fault.applied', id: 'f2', at: 210 },
      { t: 'fault.healed', id: 'f1', at: 900 },
    ];
    assert.deepEqual(faultEvents(entries), [
      { id: 'f1', spec, requestedMs: 100, appliedMs: 130, healedMs: 900 },
      { id: 'f2', spec: { kind: 'replication-stop', node: 'db-b' }, requestedMs: 200, appliedMs: 210, healedMs: null },
    ]);
    assert.deepEqual(activeFaults(entries).map((f) => f.id), ['f2']);
  });
  test('a fault journaled as applying but never as applied (a crash) still counts as active', () => {
    assert.deepEqual(activeFaults([{ t: 'fault.applying', id: 'f9', spec, at: 5 }]).map((f) => [f.id, f.appliedMs]), [['f9', 5]]);
  });
});

describe('failover milestones', () => {
  test('from Sentinel logs', () => {
    const log = [
      '1:X 26 Nov 2026 02:33:20.001 # +monitor master hadrill 10.1.1.10 6379 quorum 2',
      '1:X 26 Nov 2026 02:33:21.123 # +sdown master hadrill 10.1.1.10 6379',
      '1:X 26 Nov 2026 02:33:21.500 # +odown master hadrill 10.1.1.10 6379 #quorum 2/2',
      '1:X 26 Nov 2026 02:33:23.456 # +switch-master hadrill 10.1.1.10 6379 10.1.2.10 6379',
      'garbage',
    ].join('\n');
    const events = parseSentinelLog(log);
    assert.equal(events.length, 4);
    const t = Date.UTC(2026, 10, 26, 2, 33, 21, 0);
    const promotedAt = Date.UTC(2026, 10, 26, 2, 33, 23, 456);
    const elected = 'elected by the Sentinels (the replica with the best priority and offset)';
    const names = (ip: string): string | undefined => ({ '10.1.2.10': 'redis-b' })[ip];
    assert.deepEqual(sentinelMilestones(events, t, names), { detectedMs: [t + 500], promotedMs: [promotedAt], promotions: [{ atMs: promotedAt, node: 'redis-b', reason: elected }] });
    assert.deepEqual(sentinelMilestones(events, t).promotions, [{ atMs: promotedAt, node: '10.1.2.10', reason: elected }], 'an address no node owns is shown as it is');
    assert.deepEqual(sentinelMilestones(events, t + 10_000), { detectedMs: [], promotedMs: [], promotions: [] });
  });
  test('from several Sentinels logging the same promotion, a Sentinel catching up later, and a second failover', () => {
    const line = (sec: number, ms: number, what: string, detail: string): string => `1:X 26 Nov 2026 02:33:${String(sec).padStart(2, '0')}.${String(ms).padStart(3, '0')} # ${what} ${detail}`;
    const down = (ip: string): string => `master hadrill ${ip} 6379 #quorum 2/2`;
    const move = (from: string, to: string): string => `hadrill ${from} 6379 ${to} 6379`;
    const [a, b] = ['10.1.1.10', '10.1.2.10'];
    const events = parseSentinelLog(
      [
        line(21, 500, '+odown', down(a)),
        line(21, 620, '+odown', down(a)),
        line(23, 456, '+switch-master', move(a, b)),
        line(23, 460, '+switch-master', move(a, b)),
        // A third Sentinel, back after its IDC's power returned, learns of the same switch.
        line(33, 0, '+switch-master', move(a, b)),
        line(40, 0, '+odown', down(b)),
        line(42, 10, '+switch-master', move(b, a)),
      ].join('\n'),
    );
    const at = (sec: number, ms: number): number => Date.UTC(2026, 10, 26, 2, 33, sec, ms);
    const m = sentinelMilestones(events, at(0, 0), (ip) => (ip === a ? 'redis-a' : 'redis-b'));
    assert.deepEqual([m.detectedMs, m.promotedMs], [[at(21, 500), at(40, 0)], [at(23, 456), at(42, 10)]]);
    assert.deepEqual(m.promotions?.map((p) => [p.atMs, p.node]), [[at(23, 456), 'redis-b'], [at(42, 10), 'redis-a']], 'one promotion per failover, not one per Sentinel');
  });
  test('from the manager event log', () => {
    const text =
      '{"t":"started","at":1,"primary":"a"}\n{"t":"failure-detected","at":50,"primary":"a"}\n{"t":"promoted","at":80,"node":"b","epoch":2,"gtid":"","reason":"same city as a"}\n' +
      '{"t":"promoted","at":5,"node":"old","epoch":1,"gtid":""}\n{"t":"promo';
    const b = { atMs: 80, node: 'b', reason: 'same city as a' };
    assert.deepEqual(managerMilestones(parseManagerEvents(text), 10), { detectedMs: [50], promotedMs: [80], promotions: [b] });
    assert.deepEqual(managerMilestones(parseManagerEvents(text), 60), { detectedMs: [], promotedMs: [80], promotions: [b] });
    assert.deepEqual(managerMilestones(parseManagerEvents(text), 0).promotions, [{ atMs: 5, node: 'old', reason: null }, b], 'in time order; a log without reasons has none');
  });
});

describe('GTID progress', () => {
  test('MariaDB positions sum their sequence numbers', () => {
    assert.equal(gtidProgress('mariadb', '0-1-276'), 276);
    assert.equal(gtidProgress('mariadb', '0-1-10,1-2-5'), 15);
    assert.equal(gtidProgress('mariadb', ''), 0);
  });
  test('MySQL sets count transactions', () => {
    assert.equal(gtidProgress('mysql', '3E11FA47-71CA-11E1-9E33-C80AA9429562:1-5:11-18,aaaa:1'), 5 + 8 + 1);
  });
  test("one domain's entry of a MariaDB position, null when the domain wrote nothing", () => {
    assert.equal(domainPosition('1-1-57,2-2-30', 2), '2-2-30');
    assert.equal(domainPosition(' 1-1-57, 12-12-3', 1), '1-1-57');
    assert.equal(domainPosition('1-1-57', 2), null);
    assert.equal(domainPosition('', 1), null);
  });
});

describe('client outcome rules', () => {
  test('MySQL: not sent is failed, server errors are failed, lost connections and timeouts are unknown', () => {
    assert.equal(mysqlOutcome({ code: 'ECONNREFUSED', fatal: true }, false), 'failed');
    assert.equal(mysqlOutcome({ code: 'ER_OPTION_PREVENTS_STATEMENT', errno: 1290 }, true), 'failed');
    assert.equal(mysqlOutcome({ code: 'PROTOCOL_SEQUENCE_TIMEOUT', fatal: true }, true), 'unknown');
    assert.equal(mysqlOutcome({ code: 'PROTOCOL_CONNECTION_LOST', fatal: true }, true), 'unknown');
    assert.equal(mysqlOutcome({}, true), 'unknown');
  });
  test('Redis: refusals before sending and server replies are failed, the rest unknown', () => {
    assert.equal(redisOutcome("Stream isn't writeable and enableOfflineQueue options is false"), 'failed');
    assert.equal(redisOutcome("READONLY You can't write against a read only replica."), 'failed');
    assert.equal(redisOutcome('EXECABORT Transaction discarded because of previous errors.'), 'failed', 'no command of an aborted transaction ran');
    assert.equal(redisOutcome('Command timed out'), 'unknown');
    assert.equal(redisOutcome('Connection is closed.'), 'unknown');
  });
});

describe('waiting with a fake clock', () => {
  function fakeClock(): Clock & { slept: number } {
    let now = 0;
    const clock = { slept: 0, now: () => now, sleep: async (ms: number) => { now += ms; clock.slept += ms; } };
    return clock;
  }
  test('returns the first defined value', async () => {
    let calls = 0;
    const clock = fakeClock();
    const value = await waitFor('x', async () => (++calls === 3 ? 'ready' : undefined), { timeoutMs: 10_000, intervalMs: 100, clock });
    assert.equal(value, 'ready');
    assert.equal(clock.slept, 200);
  });
  test('times out with the last error in the message', async () => {
    const clock = fakeClock();
    await assert.rejects(
      waitFor('the thing', async () => { throw new Error('refused'); }, { timeoutMs: 1000, intervalMs: 300, clock }),
      (e: unknown) => e instanceof HadrillError && /waiting for the thing \(last: refused\)/.test(e.message),
    );
  });
});

describe('SLO scopes', () => {
  const service = (name: 'mysql' | 'redis', lost: number, rtoMs: number): ServiceResult => ({ name, lost, lostIds: [], rtoMs, recovered: true } as unknown as ServiceResult);
  test('per-service bounds override the shared ones', () => {
    assert.deepEqual(boundsFor({ rtoMs: 30_000, lostWrites: 5, groups: { mysql: { lostWrites: 0 } } }, 'mysql'), { rtoMs: 30_000, lostWrites: 0 });
    assert.deepEqual(boundsFor({ rtoMs: 30_000, groups: { mysql: { lostWrites: 0 } } }, 'redis'), { rtoMs: 30_000 });
    const results = evaluateScenarioSlos([service('mysql', 3, 100), service('redis', 3, 100)], { groups: { mysql: { lostWrites: 0 } } });
    assert.deepEqual(results.map((r) => [r.service, r.ok]), [['mysql', false]]);
  });
  test('command-line bounds win over per-service ones', () => {
    assert.deepEqual(overrideSlos({ groups: { mysql: { lostWrites: 0, rtoMs: 5 } } }, { lostWrites: 10 }), { lostWrites: 10, groups: { mysql: { rtoMs: 5 } } });
  });
});

test('--slo knows every SLO, by name and alias, and refuses the rest with the list', () => {
  assert.deepEqual(mergeSlos({ lostWrites: 3, groups: {} }, ['conflicts=0', 'p99StaleRead=2s,rto=10s', 'lost=1']), {
    conflicts: 0,
    p99StaleReadMs: 2000,
    rtoMs: 10_000,
    lostWrites: 1,
    groups: {},
  });
  assert.throws(() => mergeSlos({ groups: {} }, ['conflicts=-1']), /--slo conflicts=-1: "-1" is not a whole number/);
  assert.throws(() => mergeSlos({ groups: {} }, ['conflicts=']), /is not a whole number/);
  assert.throws(() => mergeSlos({ groups: {} }, ['p99StaleRead=soon']), /"soon" is not a duration/);
  assert.throws(
    () => mergeSlos({ groups: {} }, ['staleness=1s']),
    (e: unknown) => e instanceof HadrillError && e.code === 'usage' && /unknown SLO "staleness"/.test(e.message) && /p99StaleRead/.test(e.hint ?? ''),
  );
});

test('durations', () => {
  assert.equal(parseDuration('2s'), 2000);
  assert.equal(parseDuration(' 150ms'), 150);
  assert.equal(parseDuration('1h'), 3_600_000);
  assert.equal(parseDuration('soon'), null);
  assert.equal(parseDuration(-1), null);
});

describe('latency and divergence SLOs', () => {
  const result = (p99: number | null, divergent: number): ServiceResult =>
    ({ name: 'mysql', lost: 0, lostIds: [], rtoMs: 100, recovered: true, divergent, phases: { during: { writeLatency: { p99Ms: p99 } } } }) as unknown as ServiceResult;
  test('bounds on p99 write latency during the fault and on divergent rows', () => {
    const [latency, divergence] = evaluateScenarioSlos([result(700, 2)], { p99WriteMsDuringFault: 500, divergentRows: 0 , groups: {} });
    assert.deepEqual([latency?.metric, latency?.ok, latency?.actual], ['p99WriteMsDuringFault', false, 700]);
    assert.deepEqual([divergence?.metric, divergence?.ok, divergence?.actual], ['divergentRows', false, 2]);
    const [quiet] = evaluateScenarioSlos([result(null, 0)], { p99WriteMsDuringFault: 500 , groups: {} });
    assert.equal(quiet?.ok, true, 'no write during the fault measures nothing and fails nothing');
  });
  test('bounds on conflicts and on the p99 stale-read age', () => {
    const withReads = (conflicts: number, p99Age: number | null): ServiceResult =>
      ({ ...result(null, 0), conflicts, reads: { staleAgeMs: { p99Ms: p99Age } } }) as unknown as ServiceResult;
    const [conflicts, stale] = evaluateScenarioSlos([withReads(3, 1200)], { conflicts: 0, p99StaleReadMs: 1000 , groups: {} });
    assert.deepEqual([conflicts?.metric, conflicts?.ok, conflicts?.actual, conflicts?.name], ['conflicts', false, 3, 'mysql conflicts <= 0']);
    assert.deepEqual([stale?.metric, stale?.ok, stale?.actual], ['p99StaleReadMs', false, 1200]);
    const [held] = evaluateScenarioSlos([withReads(0, 1000)], { conflicts: 0, p99StaleReadMs: 1000 , groups: {} }).filter((r) => r.metric === 'p99StaleReadMs');
    assert.equal(held?.ok, true, 'the bound is inclusive');
    const [noReads] = evaluateScenarioSlos([withReads(0, null)], { p99StaleReadMs: 1000 , groups: {} });
    assert.deepEqual([noReads?.ok, noReads?.message], [true, 'mysql: not measured']);
  });
});

test('replication lag series from the manager log', () => {
  const events = parseManagerEvents(
    [
      '{"t":"lag","at":10,"node":"db-b","transactionsBehind":0,"secondsBehind":0,"replicating":true}',
      '{"t":"lag","at":20,"node":"db-b","transactionsBehind":42,"secondsBehind":null,"replicating":false}',
      '{"t":"lag","at":25,"node":"db-c","transactionsBehind":3,"secondsBehind":1,"replicating":true}',
      '{"t":"lag","at":99,"node":"db-b","transactionsBehind":500,"secondsBehind":9,"replicating":true}',
      '{"t":"promoted","at":30,"node":"db-b","epoch":2,"gtid":""}',
    ].join('\n'),
  );
  const series = lagSeries(events, 0, 50);
  assert.deepEqual(series.map((s) => [s.node, s.maxTransactionsBehind, s.samples.length]), [['db-b', 42, 2], ['db-c', 3, 1]]);
});

describe('chooseCandidate', () => {
  const b = { name: 'db-b', city: 'city-1', progress: 100 };
  const c = { name: 'db-c', city: 'city-2', progress: 100 };

  test('same-city prefers the lost primary city when its replica is as advanced as any', () => {
    assert.deepEqual(chooseCandidate([c, b], 'city-1', 'same-city'), { name: 'db-b', reason: "in city-1, the lost primary's city, and as advanced as any (100 transactions; db-c 100)" });
  });
  test('never at the price of data: a further replica that holds more wins, and the reason says by how much', () => {
    const ahead = { ...c, progress: 103 };
    assert.deepEqual(chooseCandidate([b, ahead], 'city-1', 'same-city'), { name: 'db-c', reason: 'db-b in city-1 was 3 transactions behind: the most advanced reachable replica (103 transactions; db-b 100)' });
  });
  test('with no replica left in the city, the most advanced elsewhere', () => {
    assert.equal(chooseCandidate([c], 'city-1', 'same-city')?.reason, "no replica in city-1, the lost primary's city, could be reached: the most advanced reachable replica (100 transactions)");
    assert.equal(chooseCandidate([], 'city-1', 'same-city'), null);
  });
  test('most-advanced ignores cities; among equals the scenario order decides', () => {
    assert.equal(chooseCandidate([c, b], 'city-1', 'most-advanced')?.name, 'db-c');
    assert.equal(chooseCandidate([b, c], 'city-1', 'most-advanced')?.name, 'db-b');
  });
});
