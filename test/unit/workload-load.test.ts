// Load: a client keeps several writes in flight, each connection a client of
// its own in the history, paced at its share of the rate or as fast as the
// answers come.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { connectionNames, shareOf } from '../../src/agent/connections.js';
import { HistoryWriter } from '../../src/agent/history-writer.js';
import { OpLoop } from '../../src/agent/op-loop.js';
import type { OpAttempt } from '../../src/clients/operation.js';
import type { AgentConfig } from '../../src/core/plan/runtime-configs.js';
import { planTopology, type PlanInputs } from '../../src/core/plan/topology-plan.js';
import { parseScenario } from '../../src/core/scenario/parse-scenario.js';
import { sendsWrites } from '../../src/core/scenario/scenario.js';
import { KIND_MODELS, PLANNERS } from '../../src/datastores/registry.js';
import { ROOT } from '../support/hadrill-cli.js';
import { problemAtPath } from '../support/scenario-problems.js';

const FILE = 'scenarios/load.yaml';
const scenarioText = (workloadGroup: string): string => `name: t
idcs: [{ name: idc-a }, { name: idc-b }, { name: idc-c }]
groups:
  - name: mysql
    kind: mysql
    nodes: [{ name: db-a, idc: idc-a }, { name: db-b, idc: idc-b }]
workload:
  clients: [{ idc: idc-a }, { idc: idc-b }]
  groups: [${workloadGroup}]
`;

const INPUTS: PlanInputs = {
  home: 'h1',
  run: 'r1',
  subnetBlock: 170,
  ownImageTag: 'hadrill/base:test',
  secrets: { rootPassword: 'a', replPassword: 'b', appPassword: 'c', redisPassword: 'd', sentinelPassword: 'e', managerToken: 'f' },
  packageDir: '/pkg',
  runDir: '/state/r1',
};

describe('load in the scenario', () => {
  test('one write in flight at 20 a second unless the scenario says otherwise', () => {
    const s = parseScenario(scenarioText('{ group: mysql }'), FILE, KIND_MODELS);
    assert.deepEqual([s.workload.groups[0]?.writesPerSecond, s.workload.groups[0]?.inFlight], [20, 1]);
  });

  test('max and inFlight reach every client agent of the group', () => {
    const s = parseScenario(scenarioText('{ group: mysql, writesPerSecond: max, inFlight: 8 }'), FILE, KIND_MODELS);
    assert.deepEqual([s.workload.groups[0]?.writesPerSecond, s.workload.groups[0]?.inFlight], ['max', 8]);
    const plan = planTopology(s, INPUTS, PLANNERS);
    const agents = plan.containers.filter((c) => c.kind === 'agent');
    assert.equal(agents.length, 2);
    for (const agent of agents) {
      const config = JSON.parse(agent.files.find((f) => f.path === '/etc/hadrill/agent.json')!.content) as AgentConfig;
      assert.deepEqual(config.groups.map((g) => [g.group, g.writesPerSecond, g.inFlight]), [['mysql', 'max', 8]]);
    }
  });

  test('refuses a rate that is neither a number nor max, and fewer than one or more than 64 in flight, where it is written', () => {
    assert.match(problemAtPath(scenarioText('{ group: mysql, writesPerSecond: fast }'), FILE, 'workload.groups[0].writesPerSecond', 'writesPerSecond: fast'), /or max/);
    assert.match(problemAtPath(scenarioText('{ group: mysql, inFlight: 0 }'), FILE, 'workload.groups[0].inFlight', 'inFlight: 0'), />= 1/);
    assert.match(problemAtPath(scenarioText('{ group: mysql, inFlight: 65 }'), FILE, 'workload.groups[0].inFlight', 'inFlight: 65'), /<= 64/);
  });

  test('the shipped load scenarios parse, unpaced with connections in flight, and differ only in replication', () => {
    const load = parseScenario(readFileSync(join(ROOT, 'scenarios/hot-standby-load.yaml'), 'utf8'), 'hot-standby-load.yaml', KIND_MODELS);
    const twin = parseScenario(readFileSync(join(ROOT, 'scenarios/hot-standby-load-semisync.yaml'), 'utf8'), 'hot-standby-load-semisync.yaml', KIND_MODELS);
    for (const s of [load, twin]) {
      assert.ok(s.workload.groups.every((w) => w.inFlight > 1 && w.writesPerSecond === 'max'), `${s.name}: every group is loaded`);
      assert.ok(!s.drill.timeline.some((step) => step.spec.kind === 'replication-stop'), `${s.name}: load alone builds the backlog`);
    }
    assert.deepEqual(
      load.groups.map((g) => g.settings['replication']),
      load.groups.map(() => 'async'),
    );
    assert.deepEqual(
      twin.groups.map((g) => g.settings['replication']),
      twin.groups.map(() => 'semi-sync'),
    );
  });
});

describe('connections of one client', () => {
  test('the first keeps the client name, the others are numbered after it', () => {
    assert.deepEqual(connectionNames('app-idc-a', 1), ['app-idc-a']);
    assert.deepEqual(connectionNames('app-idc-a', 3), ['app-idc-a', 'app-idc-a#2', 'app-idc-a#3']);
  });

  test('share the rate evenly; max stays max', () => {
    assert.equal(shareOf(100, 4), 25);
    assert.equal(shareOf('max', 4), 'max');
    assert.equal(sendsWrites('max'), true);
    assert.equal(sendsWrites(0), false);
  });
});

describe('an unpaced loop', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hadrill-load-'));
  const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

  test('sends the next write as soon as the last is answered, and none while paused', async () => {
    const file = join(dir, 'a.jsonl');
    const history = new HistoryWriter(file);
    let calls = 0;
    let inFlight = 0;
    let most = 0;
    const perform = async (): Promise<OpAttempt> => {
      calls++;
      most = Math.max(most, ++inFlight);
      await sleep(1);
      inFlight--;
      return { outcome: 'ok' };
    };
    const loop = new OpLoop({ service: 'mysql', kind: 'write', client: 'c', idc: 'idc-a', incarnation: 'i', perSecond: 'max', keys: 0 }, history, perform);
    loop.start();
    await sleep(200);
    await loop.pause();
    const atPause = calls;
    // At 1 ms an answer, a paced loop at its default would have sent 4 in 200 ms.
    assert.ok(atPause > 20, `unpaced: ${atPause} writes in 200 ms`);
    await sleep(100);
    assert.equal(calls, atPause, 'nothing is sent while paused');
    loop.resume();
    await sleep(50);
    assert.ok(calls > atPause, 'resumed');
    await loop.stop();
    history.close();
    assert.equal(most, 1, 'one loop is one connection: one write in flight');
    const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { t: string });
    assert.equal(lines.filter((l) => l.t === 'invoke').length, calls);
    assert.equal(lines.filter((l) => l.t === 'complete').length, calls);
  });

  test('stops while paused', async () => {
    const history = new HistoryWriter(join(dir, 'b.jsonl'));
    const loop = new OpLoop({ service: 'mysql', kind: 'write', client: 'c', idc: 'idc-a', incarnation: 'i', perSecond: 'max', keys: 0 }, history, async () => ({ outcome: 'ok' }));
    loop.start();
    await loop.pause();
    await loop.stop();
    history.close();
    rmSync(dir, { recursive: true, force: true });
  });
});
