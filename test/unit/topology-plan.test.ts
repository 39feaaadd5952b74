import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { LABEL_IDC, LABEL_MANAGED, LABEL_RUN, LABEL_SCENARIO } from '../../src/core/plan/labels.js';
import type { AgentConfig, ManagerConfig } from '../../src/core/plan/runtime-configs.js';
import { planTopology } from '../../src/core/plan/topology-plan.js';
import { parseScenario } from '../../src/core/scenario/parse-scenario.js';
import { ROOT } from '../support/hadrill-cli.js';

const scenario = parseScenario(readFileSync(join(ROOT, 'scenarios/hot-standby.yaml'), 'utf8'), 'hot-standby.yaml');
const plan = planTopology(scenario, {
  run: 'r1',
  subnetBlock: 170,
  ownImageTag: 'hadrill/base:test',
  secrets: { rootPassword: 'root', replPassword: 'repl', appPassword: 'app' },
  packageDir: '/pkg',
  runDir: '/state/r1',
});

describe('topology planner', () => {
  test('one network per IDC on deterministic subnets, routed through the router', () => {
    assert.deepEqual(plan.networks.map((n) => [n.idc, n.subnet, n.routerIp]), [
      ['idc-a', '10.170.1.0/24', '10.170.1.254'],
      ['idc-b', '10.170.2.0/24', '10.170.2.254'],
      ['idc-c', '10.170.3.0/24', '10.170.3.254'],
    ]);
    const router = plan.containers.find((c) => c.kind === 'router');
    assert.deepEqual(router?.networks.map((n) => n.ip), ['10.170.1.254', '10.170.2.254', '10.170.3.254']);
    assert.equal(router?.sysctls['net.ipv4.ip_forward'], '1');
    const dbB = plan.containers.find((c) => c.node === 'db-b');
    assert.equal(dbB?.ip, '10.170.2.10');
    assert.equal(dbB?.env['HADRILL_ROUTES'], '10.170.1.0/24=10.170.2.254,10.170.3.0/24=10.170.2.254');
  });

  test('every container carries the hadrill labels of its run, scenario and IDC', () => {
    for (const c of plan.containers) {
      assert.equal(c.labels[LABEL_MANAGED], 'true');
      assert.equal(c.labels[LABEL_RUN], 'r1');
      assert.equal(c.labels[LABEL_SCENARIO], 'hot-standby');
      assert.equal(c.labels[LABEL_IDC], c.idc);
      assert.match(c.name, /^hadrill-r1-/);
    }
    assert.equal(new Set(plan.containers.map((c) => c.ip)).size, plan.containers.length, 'addresses are unique');
  });

  test('MySQL nodes start read-only with GTID and binlogs; semi-sync only when asked', () => {
    const dbA = plan.containers.find((c) => c.node === 'db-a');
    assert.ok(dbA?.cmd.includes('--read-only=1'));
    assert.ok(dbA?.cmd.includes('--gtid-strict-mode=1'));
    assert.ok(dbA?.cmd.includes('--server-id=1'));
    assert.ok(!dbA?.cmd.some((a) => a.includes('semi')));
    assert.equal(plan.containers.find((c) => c.node === 'db-b')?.cmd.includes('--server-id=2'), true);
  });

  test('the manager lives in idc-c and knows every MySQL node; agents follow it and the Sentinels', () => {
    const manager = plan.containers.find((c) => c.kind === 'manager');
    assert.equal(manager?.idc, 'idc-c');
    const config = JSON.parse(manager?.env['HADRILL_MANAGER_CONFIG'] ?? '{}') as ManagerConfig;
    assert.deepEqual(config.nodes.map((n) => [n.name, n.host]), [['db-a', '10.170.1.10'], ['db-b', '10.170.2.10']]);
    assert.equal(config.initialPrimary, 'db-a');
    assert.equal(config.failureThreshold, 3);
    const agent = plan.containers.find((c) => c.node === 'app-idc-b');
    const agentConfig = JSON.parse(agent?.env['HADRILL_AGENT_CONFIG'] ?? '{}') as AgentConfig;
    assert.equal(agentConfig.mysql?.managerUrl, `http://${manager?.ip}:8080/primary`);
    assert.equal(agentConfig.mysql?.user, 'hadrill_app', 'the workload user is not root');
    assert.equal(agentConfig.redis?.sentinels.length, 3);
    assert.ok(agent?.binds.includes('/state/r1/history:/var/lib/hadrill/history'));
  });

  test('the same inputs give the same plan', () => {
    const again = planTopology(scenario, { run: 'r1', subnetBlock: 170, ownImageTag: 'hadrill/base:test', secrets: { rootPassword: 'root', replPassword: 'repl', appPassword: 'app' }, packageDir: '/pkg', runDir: '/state/r1' });
    assert.deepEqual(again, plan);
  });
});
