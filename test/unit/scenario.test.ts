import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ScenarioError } from '../../src/core/errors.js';
import { parseScenario } from '../../src/core/scenario/parse-scenario.js';
import type { Group } from '../../src/core/scenario/scenario.js';
import { asMysqlGroup } from '../../src/datastores/mysql/model.js';

const group = <G extends Group>(s: { groups: Group[] }, name: string): G => s.groups.find((g) => g.name === name) as G;
import { ROOT } from '../support/hadrill-cli.js';
import { KIND_MODELS } from '../../src/datastores/registry.js';

const minimal = (extra = ''): string => `name: t\nidcs: [{ name: idc-a }, { name: idc-b, city: far }]\nredis:\n  nodes: [{ name: r1, idc: idc-a }, { name: r2, idc: idc-b }]\n  sentinels: [{ idc: idc-a }, { idc: idc-b }, { idc: idc-b }]\nworkload:\n  clients: [{ idc: idc-a }]\n${extra}`;

function problems(text: string): ScenarioError['problems'] {
  try {
    parseScenario(text, 'x.yaml', KIND_MODELS);
  } catch (error) {
    assert.ok(error instanceof ScenarioError, String(error));
    return error.problems;
  }
  assert.fail('expected a ScenarioError');
}

describe('scenario parsing', () => {
  test('the shipped scenarios parse with their intended shape', () => {
    const s = parseScenario(readFileSync(join(ROOT, 'scenarios/hot-standby.yaml'), 'utf8'), 'hot-standby.yaml', KIND_MODELS);
    const mysql = asMysqlGroup(group(s, 'mysql'));
    assert.equal(mysql.replication, 'async');
    assert.deepEqual(mysql.failover.kind === 'manager' ? [mysql.failover.idc, mysql.failover.name, mysql.failover.prefer] : null, ['idc-c', 'mysql-manager', 'most-advanced']);
    assert.deepEqual(s.drill.timeline.map((t) => [t.atMs, t.spec.kind]), [[4000, 'replication-stop'], [7000, 'power']]);
    assert.equal(s.slo.rtoMs, 30_000);
    const semi = parseScenario(readFileSync(join(ROOT, 'scenarios/hot-standby-semisync.yaml'), 'utf8'), 'semi.yaml', KIND_MODELS);
    assert.equal(asMysqlGroup(group(semi, 'mysql')).replication, 'semi-sync');
    assert.equal(asMysqlGroup(group(semi, 'mysql')).semiSyncTimeoutMs, 120_000);
    assert.deepEqual(semi.slo.groups['mysql'], { lostWrites: 0 });
  });

  test('defaults: roles, names, quorum, durations, the default drill', () => {
    const s = parseScenario(minimal(), 'x.yaml', KIND_MODELS);
    const redis = group(s, 'redis');
    assert.equal(redis.nodes[0]?.role, 'master');
    assert.equal(redis.nodes[1]?.role, 'replica');
    assert.equal(redis.failover.kind, 'sentinel');
    assert.deepEqual(redis.failover.kind === 'sentinel' ? [redis.failover.sentinels.map((x) => x.name), redis.failover.quorum] : null, [['sentinel-idc-a', 'sentinel-idc-b', 'sentinel-idc-b-2'], 2]);
    assert.equal(s.idcs[0]?.city, 'idc-a');
    assert.equal(s.idcs[1]?.city, 'far');
    assert.deepEqual(s.drill.timeline, [{ atMs: 5000, spec: { kind: 'power', idc: 'idc-a' } }]);
    assert.equal(s.workload.clients[0]?.name, 'app-idc-a');
    assert.deepEqual(s.workload.groups, [{ group: 'redis', writesPerSecond: 20, readsPerSecond: 10, inFlight: 1, writes: 'writer', proxy: null, reads: 'local', from: ['idc-a', 'idc-b'] }]);
    assert.equal(s.workload.keys, 32);
  });

  test('reads, shared keys and the SLOs on conflicts and stale reads', () => {
    const s = parseScenario(
      minimal('  redisReadsPerSecond: 0\n  keys: 4\nslo:\n  conflicts: 0\n  redis: { p99StaleRead: 1500ms }\n'),
      'x.yaml',
      KIND_MODELS,
    );
    assert.deepEqual([s.workload.groups[0]?.readsPerSecond, s.workload.keys], [0, 4]);
    assert.deepEqual(s.slo, { conflicts: 0, groups: { redis: { p99StaleReadMs: 1500 } } });
    assert.match(problems(minimal('  keys: 1.5\n'))[0]!.message, /integer/);
  });

  test('durations accept ms, s, m and bare milliseconds', () => {
    const s = parseScenario(minimal('drill:\n  steady: 1.5s\n  recovery: 1m\n  settle: 250\n  rtoWindow: 500ms\n'), 'x.yaml', KIND_MODELS);
    assert.deepEqual([s.drill.steadyMs, s.drill.recoveryMs, s.drill.settleMs, s.drill.rtoWindowMs], [1500, 60_000, 250, 500]);
  });

  test('YAML syntax errors carry a line', () => {
    const [p] = problems('name: t\nidcs: [\n');
    assert.ok(p && p.line !== null && /YAML syntax/.test(p.message));
  });

  test('every problem is reported at once, each at its line', () => {
    const found = problems(minimal('drill:\n  timeline:\n    - { at: 1s, fault: power, idc: idc-z }\n    - { at: 2s, fault: melt, idc: idc-a }\n'));
    assert.deepEqual(
      found.map((p) => [p.path, p.line]),
      [['drill.timeline[1].fault', 11]],
      'schema errors come first, alone',
    );
    const semantic = problems(minimal('drill:\n  timeline:\n    - { at: 1s, fault: power, idc: idc-z }\n    - { at: 2s, fault: replication-stop, node: r1 }\n'));
    assert.deepEqual(semantic.map((p) => [p.path, p.line]), [['drill.timeline[0].idc', 10], ['drill.timeline[1].node', 11]]);
    assert.match(semantic[0]?.message ?? '', /unknown IDC "idc-z"; known: idc-a, idc-b/);
    assert.match(semantic[1]?.message ?? '', /not a replica whose replication can be stopped/);
  });

  test('missing sections, duplicate names and impossible quorums are caught', () => {
    assert.match(problems('name: t\nidcs: [{ name: a }]\n')[0]?.message ?? '', /missing required property "workload"/);
    assert.match(problems('name: t\nidcs: [{ name: a }]\nworkload: { clients: [{ idc: a }] }\n')[0]?.message ?? '', /needs datastore groups: a "groups" list, or the "mysql" and "redis" shorthand/);
    assert.ok(problems(minimal('').replace('quorum', 'x').replace('sentinels: [{ idc: idc-a }, { idc: idc-b }, { idc: idc-b }]', 'sentinels: [{ idc: idc-a }]\n  quorum: 3')).some((p) => /quorum 3 is more than the 1 sentinels/.test(p.message)));
    assert.ok(problems(minimal('').replace('name: r2', 'name: r1')).some((p) => /"r1" is used by two/.test(p.message)));
  });

  test('names must be DNS-friendly', () => {
    const [p] = problems(minimal().replace('name: t', 'name: Bad_Name'));
    assert.equal(p?.path, 'name');
    assert.match(p?.message ?? '', /lower-case letters, digits and dashes/);
  });
});
