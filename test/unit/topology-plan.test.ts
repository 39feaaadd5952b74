import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { renderCompose } from '../../src/core/compose.js';
import { HadrillError } from '../../src/core/errors.js';
import { KIND_MODELS, PLANNERS } from '../../src/datastores/registry.js';
import { LABEL_HOME, LABEL_IDC, LABEL_MANAGED, LABEL_RUN, LABEL_SCENARIO } from '../../src/core/plan/labels.js';
import type { AgentConfig, ManagerConfig } from '../../src/core/plan/runtime-configs.js';
import { FIRST_HOST, IDC_CAPACITY, ROUTER_HOST } from '../../src/core/plan/placement.js';
import { planTopology, readHostFor, type ContainerPlan, type PlanInputs } from '../../src/core/plan/topology-plan.js';
import { parseScenario } from '../../src/core/scenario/parse-scenario.js';
import { ROOT } from '../support/hadrill-cli.js';

const SECRETS = ['root', 'repl', 'app', 'redis', 'sentinel', 'token'].map((s) => `${s}-secret-value`);

const scenario = parseScenario(readFileSync(join(ROOT, 'scenarios/hot-standby.yaml'), 'utf8'), 'hot-standby.yaml', KIND_MODELS);
const INPUTS: PlanInputs = {
  home: 'h1',
  run: 'r1',
  subnetBlock: 170,
  ownImageTag: 'hadrill/base:test',
  secrets: { rootPassword: SECRETS[0]!, replPassword: SECRETS[1]!, appPassword: SECRETS[2]!, redisPassword: SECRETS[3]!, sentinelPassword: SECRETS[4]!, managerToken: SECRETS[5]! },
  packageDir: '/pkg',
  runDir: '/state/r1',
};
const plan = planTopology(scenario, INPUTS, PLANNERS);

function fileIn(container: ContainerPlan | undefined, path: string): string {
  const file = container?.files.find((f) => f.path === path);
  assert.ok(file, `${container?.name} has no ${path}`);
  return file.content;
}

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
      assert.equal(c.labels[LABEL_HOME], 'h1');
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

  test('Redis nodes on an official image take their options on the command line: the image has no hadrill-redis', () => {
    const text = [
      'name: t',
      'idcs: [{ name: idc-a }, { name: idc-b }, { name: idc-c }]',
      'redis:',
      "  image: 'redis:7.2'",
      '  nodes: [{ name: redis-a, idc: idc-a }, { name: redis-b, idc: idc-b }]',
      '  sentinels: [{ idc: idc-a }, { idc: idc-b }, { idc: idc-c }]',
      'workload: { clients: [{ idc: idc-a }] }',
    ].join('\n');
    const official = planTopology(parseScenario(text, 'x.yaml', KIND_MODELS), INPUTS, PLANNERS);
    const redisA = official.containers.find((c) => c.node === 'redis-a');
    assert.equal(redisA?.image, 'redis:7.2');
    assert.equal(redisA?.cmd[0], 'redis-server');
    assert.equal(plan.containers.find((c) => c.node === 'redis-a')?.cmd[0], 'hadrill-redis', "while hadrill's image keeps them in a file Sentinel rewrites");
  });

  test('the manager lives in idc-c and knows every MySQL node; agents follow it and the Sentinels', () => {
    const manager = plan.containers.find((c) => c.kind === 'manager');
    assert.equal(manager?.idc, 'idc-c');
    const config = JSON.parse(fileIn(manager, '/etc/hadrill/manager.json')) as ManagerConfig;
    assert.deepEqual(config.nodes.map((n) => [n.name, n.host]), [['db-a', '10.170.1.10'], ['db-b', '10.170.2.10']]);
    assert.equal(config.initialPrimary, 'db-a');
    assert.equal(config.failureThreshold, 3);
    const agent = plan.containers.find((c) => c.node === 'app-idc-b');
    const agentConfig = JSON.parse(fileIn(agent, '/etc/hadrill/agent.json')) as AgentConfig;
    const mysql = agentConfig.groups.find((g) => g.group === 'mysql');
    const redis = agentConfig.groups.find((g) => g.group === 'redis');
    assert.deepEqual(mysql?.write, { via: 'announcement', url: `http://${manager?.ip}:8080/primary`, token: SECRETS[5], initialHost: '10.170.1.10' });
    assert.equal(mysql?.user, 'hadrill_app', 'the workload user is not root');
    assert.equal(mysql?.readHost, '10.170.2.10', 'reads go to the node in the client\'s own IDC');
    assert.equal(redis?.write.via === 'sentinel' ? redis.write.sentinels.length : 0, 3);
    assert.ok(agent?.binds.includes('/state/r1/history:/var/lib/hadrill/history'));
  });

  test('the same inputs give the same plan', () => {
    const again = planTopology(scenario, { home: 'h1', run: 'r1', subnetBlock: 170, ownImageTag: 'hadrill/base:test', secrets: { rootPassword: SECRETS[0]!, replPassword: SECRETS[1]!, appPassword: SECRETS[2]!, redisPassword: SECRETS[3]!, sentinelPassword: SECRETS[4]!, managerToken: SECRETS[5]! }, packageDir: '/pkg', runDir: '/state/r1' }, PLANNERS);
    assert.deepEqual(again, plan);
  });

  test('secrets are files put into containers, never in an environment, a command line or a label', () => {
    for (const c of plan.containers) {
      const visible = JSON.stringify([c.env, c.cmd, c.labels, c.binds]);
      for (const secret of SECRETS) assert.ok(!visible.includes(secret), `${c.name} shows a secret outside its files`);
    }
    const redis = plan.containers.find((c) => c.node === 'redis-b');
    assert.equal(fileIn(redis, '/etc/hadrill/redis.conf'), `requirepass ${SECRETS[3]}\nmasterauth ${SECRETS[3]}\n`);
    assert.equal(redis?.cmd[1], '/etc/hadrill/redis.conf');
    const sentinel = plan.containers.find((c) => c.kind === 'sentinel');
    assert.equal(fileIn(sentinel, '/etc/hadrill/sentinel-password'), SECRETS[4]);
    assert.equal(fileIn(plan.containers.find((c) => c.node === 'db-a'), '/etc/hadrill/db-root-password'), SECRETS[0]);
    const manager = JSON.parse(fileIn(plan.containers.find((c) => c.kind === 'manager'), '/etc/hadrill/manager.json')) as ManagerConfig;
    assert.equal(manager.token, SECRETS[5]);
    const agent = JSON.parse(fileIn(plan.containers.find((c) => c.kind === 'agent'), '/etc/hadrill/agent.json')) as AgentConfig;
    const [mysqlOf, redisOf] = [agent.groups.find((g) => g.group === 'mysql'), agent.groups.find((g) => g.group === 'redis')];
    assert.deepEqual([mysqlOf?.write.via === 'announcement' ? mysqlOf.write.token : null, redisOf?.password, redisOf?.write.via === 'sentinel' ? redisOf.write.sentinelPassword : null], [SECRETS[5], SECRETS[3], SECRETS[4]]);
    for (const c of plan.containers) for (const f of c.files) assert.equal(f.mode, 0o600, `${c.name}:${f.path} is root-only in hadrill's image`);
  });

  test('only the router has NET_ADMIN; every other container also loses NET_RAW', () => {
    for (const c of plan.containers) {
      if (c.kind === 'router') assert.deepEqual([c.capAdd, c.capDrop], [['NET_ADMIN'], []]);
      else assert.deepEqual([c.capAdd, c.capDrop], [[], ['NET_RAW']], c.name);
    }
  });

  test('the Compose rendering holds no secret and no default password', () => {
    const text = renderCompose(scenario, PLANNERS);
    assert.doesNotMatch(text, /hadrill-root|hadrill-repl|hadrill-app|PASSWORD:-/);
    for (const name of ['HADRILL_ROOT_PASSWORD', 'HADRILL_REDIS_PASSWORD', 'HADRILL_SENTINEL_PASSWORD', 'HADRILL_MANAGER_TOKEN']) assert.match(text, new RegExp(`\\$\\{${name}:\\?set ${name}\\}`));
    assert.equal((text.match(/- NET_ADMIN/g) ?? []).length, 1 + plan.containers.length - 1, 'the router, and each one-shot route helper');
  });
});

describe('read hosts', () => {
  // Only the fields readHostFor looks at.
  const node = (name: string, idc: string, ip: string): ContainerPlan => ({ node: name, idc, ip }) as ContainerPlan;
  const nodes = [node('p', 'idc-a', '10.0.1.10'), node('s', 'idc-b', '10.0.2.10'), node('r', 'idc-a', '10.0.1.11'), node('q', 'idc-b', '10.0.2.11')];
  const roles = new Map([['p', 'primary'], ['s', 'standby'], ['r', 'replica'], ['q', 'replica']]);

  test('a local reader reads a replica in its own IDC before the primary, and never an empty standby', () => {
    assert.equal(readHostFor(nodes, roles, 'idc-a', 'local', '10.0.1.10'), '10.0.1.11');
    assert.equal(readHostFor(nodes, roles, 'idc-b', 'local', '10.0.1.10'), '10.0.2.11');
    assert.equal(readHostFor(nodes.slice(0, 2), roles, 'idc-a', 'local', '10.0.1.10'), '10.0.1.10', 'the primary, when it is the only node there');
    assert.equal(readHostFor(nodes.slice(0, 2), roles, 'idc-b', 'local', '10.0.1.10'), null, 'a standby holds nothing to read');
  });

  test('with no node in its IDC a local reader has no host; writer reads go to the writer; none reads nothing', () => {
    assert.equal(readHostFor(nodes, roles, 'idc-c', 'local', '10.0.1.10'), null);
    assert.equal(readHostFor(nodes, roles, 'idc-b', 'writer', '10.0.1.10'), '10.0.1.10');
    assert.equal(readHostFor(nodes, roles, 'idc-a', 'none', '10.0.1.10'), null);
  });
});

// Found while writing the tier plan tests: writes reach the writable node,
// addresses stay inside their IDC's network, and every primary of a
// multi-writer group takes its own auto-increment values.
describe('plans that hold for every datastore kind and size', () => {
  const INPUTS: PlanInputs = { home: 'h1', run: 'r1', subnetBlock: 170, ownImageTag: 'hadrill/base:test', secrets: { rootPassword: 'a', replPassword: 'b', appPassword: 'c', redisPassword: 'd', sentinelPassword: 'e', managerToken: 'f' }, packageDir: '/pkg', runDir: '/state/r1' };
  const planOf = (text: string) => planTopology(parseScenario(text, 'x.yaml', KIND_MODELS), INPUTS, PLANNERS);
  const agentOf = (p: ReturnType<typeof planOf>, node: string): AgentConfig => JSON.parse(fileIn(p.containers.find((c) => c.node === node), '/etc/hadrill/agent.json')) as AgentConfig;

  test('local writes to a Redis group go to the master in the client\'s IDC, not to a replica listed before it', () => {
    const p = planOf('name: t\nidcs: [{ name: idc-a }]\ngroups:\n  - { name: c, kind: redis, nodes: [{ name: r1, idc: idc-a, role: replica }, { name: r2, idc: idc-a, role: master }] }\nworkload: { clients: [{ idc: idc-a }], groups: [{ group: c, writes: local }] }\n');
    assert.deepEqual(agentOf(p, 'app-idc-a').groups[0]?.write, { via: 'node', host: p.containers.find((c) => c.node === 'r2')?.ip });
  });

  test('every address the planner gives is a host of its IDC\'s subnet, however many containers the schema lets an IDC hold', () => {
    // 8 groups of 32 nodes: within the schema's limits (16 groups, 32 nodes each).
    const groups = Array.from({ length: 8 }, (_, g) => `  - { name: c${g}, kind: redis, nodes: [${Array.from({ length: 32 }, (_, n) => `{ name: r${g}-${n}, idc: idc-a }`).join(', ')}] }`).join('\n');
    let p: ReturnType<typeof planOf> | null = null;
    try {
      p = planOf(`name: t\nidcs: [{ name: idc-a }, { name: idc-b }]\ngroups:\n${groups}\nworkload: { clients: [{ idc: idc-b }] }\n`);
    } catch (error) {
      // Refusing the scenario with a clear error is a fix too.
      assert.match(String(error), /idc-a/);
      return;
    }
    for (const c of p.containers.filter((x) => x.kind !== 'router')) {
      const host = Number(c.ip.split('.')[3]);
      assert.ok(host >= 10 && host <= 253, `${c.node} got ${c.ip}`);
    }
  });

  test('a scenario built in code with more containers in an IDC than its network holds is refused by the planner too', () => {
    const fits = parseScenario('name: t\nidcs: [{ name: idc-a }]\ngroups:\n  - { name: c, kind: redis, nodes: [{ name: r1, idc: idc-a }] }\nworkload: { clients: [{ idc: idc-a }] }\n', 'x.yaml', KIND_MODELS);
    // Clients added past what the parser lets through: one more than the IDC holds.
    const clients = Array.from({ length: IDC_CAPACITY - 1 }, (_, i) => ({ name: `app-${i}`, idc: 'idc-a' }));
    const tooMany = { ...fits, workload: { ...fits.workload, clients: [...fits.workload.clients, ...clients] } };
    assert.throws(() => planTopology(tooMany, INPUTS, PLANNERS), (error: unknown) => {
      assert.ok(error instanceof HadrillError && error.code === 'config', String(error));
      assert.ok(error.message.includes(`IDC "idc-a" would hold ${IDC_CAPACITY + 1} containers`) && error.message.includes(`addresses for ${IDC_CAPACITY}`), error.message);
      return true;
    });
    // As many as it holds are planned, the last one just below the router.
    const full = planTopology({ ...tooMany, workload: { ...tooMany.workload, clients: tooMany.workload.clients.slice(1) } }, INPUTS, PLANNERS);
    const hosts = full.containers.filter((c) => c.kind !== 'router').map((c) => Number(c.ip.split('.')[3]));
    assert.deepEqual([hosts.length, Math.min(...hosts), Math.max(...hosts)], [IDC_CAPACITY, FIRST_HOST, ROUTER_HOST - 1]);
  });

  test('the primaries of a bidirectional group on a mysql image get their own auto-increment offsets, as MariaDB ones do', () => {
    const p = planOf("name: t\nidcs: [{ name: idc-a }, { name: idc-b }]\ngroups:\n  - { name: db, kind: mysql, image: 'mysql:8.4', replication: bidirectional, nodes: [{ name: a, idc: idc-a }, { name: b, idc: idc-b }] }\nworkload: { clients: [{ idc: idc-a }] }\n");
    const b = p.containers.find((c) => c.node === 'b');
    assert.ok(b?.cmd.includes('--auto-increment-increment=2') && b.cmd.includes('--auto-increment-offset=2'), b?.cmd.join(' '));
    const a = p.containers.find((c) => c.node === 'a');
    assert.ok(a?.cmd.includes('--auto-increment-increment=2') && a.cmd.includes('--auto-increment-offset=1'), a?.cmd.join(' '));
    // MariaDB's GTID domains are not MySQL's: a mysql image is given none.
    assert.ok(!a?.cmd.some((x) => x.startsWith('--gtid-domain-id')), a?.cmd.join(' '));
  });
});
