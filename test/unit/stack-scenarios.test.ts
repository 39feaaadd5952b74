// The failover stacks drilled side by side (scenarios/stacks/): MHA as a
// MySQL group's failover machinery and the proxy and writable write routes,
// as the real scenario parser reads them and refuses them (each problem at
// its file:line:column with the fix in words), and as the planner turns them
// into containers: MHA's, the HAProxies, the run's SSH key pair in every node
// and the agents' write targets.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { ScenarioError } from '../../src/core/errors.js';
import { containersPerIdc, placedContainers } from '../../src/core/plan/placement.js';
import type { AgentConfig } from '../../src/core/plan/runtime-configs.js';
import { planTopology, type ContainerPlan, type PlanInputs, type TopologyPlan } from '../../src/core/plan/topology-plan.js';
import { parseScenario } from '../../src/core/scenario/parse-scenario.js';
import type { Failover, ProxyRoute, Scenario } from '../../src/core/scenario/scenario.js';
import type { MhaConfig } from '../../src/datastores/mysql/mha-config.js';
import type { ProxyConfig } from '../../src/datastores/mysql/proxy-config.js';
import { KIND_MODELS, PLANNERS } from '../../src/datastores/registry.js';
import { ROOT } from '../support/hadrill-cli.js';
import { problemAtPath, rejectedScenario } from '../support/scenario-problems.js';

const FILE = 'scenarios/stack.yaml';
const IDCS = 'name: t\nidcs: [{ name: idc-a }, { name: idc-b }, { name: idc-c }]\n';
const CLIENTS = 'workload:\n  clients: [{ idc: idc-a }, { idc: idc-b }]\n';

/** A mysql group "mysql" of three nodes, one per IDC (db-a the primary), with `failover` and any further group lines, then the workload. */
function mysql(failover: string, opts: { extra?: string; nodes?: string; workload?: string } = {}): string {
  const nodes = opts.nodes ?? '      - { name: db-a, idc: idc-a, role: primary }\n      - { name: db-b, idc: idc-b, role: replica }\n      - { name: db-c, idc: idc-c, role: replica }\n';
  return `${IDCS}groups:\n  - name: mysql\n    kind: mysql\n${opts.extra ?? '    image: hadrill\n'}    nodes:\n${nodes}${failover === '' ? '' : `    failover: ${failover}\n`}${CLIENTS}${opts.workload ?? ''}`;
}

/** The workload's groups list with one entry for "mysql". */
const entry = (fields: string, group = 'mysql'): string => `  groups:\n    - { group: ${group}, ${fields} }\n`;

const parse = (text: string): Scenario => parseScenario(text, FILE, KIND_MODELS);

const rejected = (text: string): ScenarioError => rejectedScenario(text, FILE);

const problemAt = (text: string, path: string, onLine: string): string => problemAtPath(text, FILE, path, onLine);

describe('MHA failover, parsed', () => {
  test('every setting given', () => {
    const s = parse(mysql('{ kind: mha, idc: idc-c, pingInterval: 1s, pingType: connect }'));
    assert.deepEqual(s.groups[0]?.failover, { kind: 'mha', name: 'mysql-mha', idc: 'idc-c', pingIntervalMs: 1000, pingType: 'connect' } satisfies Failover);
  });

  test('defaults: a 3 s select ping, in an IDC away from the writer', () => {
    assert.deepEqual(parse(mysql('{ kind: mha }')).groups[0]?.failover, { kind: 'mha', name: 'mysql-mha', idc: 'idc-b', pingIntervalMs: 3000, pingType: 'select' } satisfies Failover);
    // With the primary in idc-b, the first other IDC is idc-a.
    const nodes = '      - { name: db-a, idc: idc-a, role: replica }\n      - { name: db-b, idc: idc-b, role: primary }\n';
    const f = parse(mysql('{ kind: mha, name: my-mha }', { nodes })).groups[0]?.failover;
    assert.deepEqual(f?.kind === 'mha' ? [f.name, f.idc] : f, ['my-mha', 'idc-a']);
  });

  test('the shipped MHA stacks parse as MHA in idc-c pinging every second', () => {
    for (const file of ['mha.yaml', 'mha-proxy.yaml']) {
      const s = parseScenario(readFileSync(join(ROOT, 'scenarios/stacks', file), 'utf8'), file, KIND_MODELS);
      assert.deepEqual(s.groups[0]?.failover, { kind: 'mha', name: 'mysql-mha', idc: 'idc-c', pingIntervalMs: 1000, pingType: 'select' }, file);
    }
  });

  test('a ping interval that is not whole seconds is refused at failover.pingInterval', () => {
    const text = mysql('{ kind: mha, pingInterval: 1500ms }');
    assert.match(problemAt(text, 'groups[0].failover.pingInterval', 'pingInterval: 1500ms'), /whole seconds.*at least 1s; "1500ms"/);
    assert.match(problemAt(mysql('{ kind: mha, pingInterval: 500ms }'), 'groups[0].failover.pingInterval', 'pingInterval'), /at least 1s/);
  });

  test('a Galera group cannot have MHA: its failover is quorum or none', () => {
    const text = `${IDCS}groups:\n  - name: g\n    kind: galera\n    nodes: [{ name: g1, idc: idc-a }, { name: g2, idc: idc-b }, { name: g3, idc: idc-c }]\n    failover: { kind: mha }\n${CLIENTS}`;
    const message = problemAt(text, 'groups[0].failover.kind', 'kind: mha');
    assert.match(message, /failover is one of .*quorum/);
    assert.match(message, /not "mha"/);
  });

  test('MHA needs hadrill\'s image: an official one is refused at image, naming `image: hadrill`', () => {
    const text = mysql('{ kind: mha }', { extra: "    image: 'mariadb:10.11'\n" });
    const message = problemAt(text, 'groups[0].image', "image: 'mariadb:10.11'");
    assert.match(message, /image: hadrill/);
    assert.match(message, /"mariadb:10\.11"/);
  });

  test('MHA needs a replica to promote', () => {
    const text = mysql('{ kind: mha }', { nodes: '      - { name: db-a, idc: idc-a, role: primary }\n' });
    assert.match(problemAt(text, 'groups[0].nodes', 'name: db-a'), /MHA promotes a replica: give the group at least one node with role replica/);
  });

  test('the manager\'s probe settings are not MHA\'s', () => {
    const text = mysql('{ kind: mha, checkInterval: 1s }');
    assert.match(problemAt(text, 'groups[0].failover.checkInterval', 'checkInterval'), /"checkInterval" is not a setting of failover kind "mha"/);
  });

  test('and MHA\'s are not the manager\'s', () => {
    assert.match(problemAt(mysql('{ kind: manager, pingInterval: 1s }'), 'groups[0].failover.pingInterval', 'pingInterval'), /"pingInterval" is not a setting of failover kind "manager"/);
  });
});

describe('the proxy and writable write routes, parsed', () => {
  const workload = (s: Scenario) => s.workload.groups.find((w) => w.group === 'mysql');

  test('writes: proxy with its settings', () => {
    const w = workload(parse(mysql('', { workload: entry('writes: proxy, proxy: { checkInterval: 2s, fall: 2, rise: 1 }') })));
    assert.equal(w?.writes, 'proxy');
    assert.deepEqual(w?.proxy, { idc: null, checkIntervalMs: 2000, fall: 2, rise: 1 } satisfies ProxyRoute);
  });

  test('writes: proxy with no proxy section takes the defaults', () => {
    assert.deepEqual(workload(parse(mysql('', { workload: entry('writes: proxy') })))?.proxy, { idc: null, checkIntervalMs: 1000, fall: 3, rise: 2 } satisfies ProxyRoute);
  });

  test('a shared proxy in a named IDC', () => {
    assert.equal(workload(parse(mysql('', { workload: entry('writes: proxy, proxy: { idc: idc-c }') })))?.proxy?.idc, 'idc-c');
  });

  test('other routes have no proxy', () => {
    assert.equal(workload(parse(mysql('')))?.proxy, null);
  });

  test('a proxy in an unknown IDC is refused', () => {
    const text = mysql('', { workload: entry('writes: proxy, proxy: { idc: nowhere }') });
    assert.match(problemAt(text, 'workload.groups[0].proxy.idc', 'idc: nowhere'), /unknown IDC "nowhere"; known: idc-a, idc-b, idc-c/);
  });

  test('proxy settings on another route are refused, naming writes: proxy', () => {
    const text = mysql('', { workload: entry('writes: writer, proxy: { fall: 2 }') });
    const message = problemAt(text, 'workload.groups[0].proxy', 'proxy: { fall: 2 }');
    assert.match(message, /writes: proxy/);
    assert.match(message, /"writer"/);
  });

  test('writes: writable on an async MySQL group is accepted, with no proxy', () => {
    const w = workload(parse(mysql('{ kind: mha }', { workload: entry('writes: writable') })));
    assert.deepEqual([w?.writes, w?.proxy], ['writable', null]);
  });

  test('the shipped proxy stacks parse with a proxy in each client\'s IDC', () => {
    for (const file of ['manager-proxy.yaml', 'mha-proxy.yaml']) {
      const s = parseScenario(readFileSync(join(ROOT, 'scenarios/stacks', file), 'utf8'), file, KIND_MODELS);
      assert.deepEqual([workload(s)?.writes, workload(s)?.proxy], ['proxy', { idc: null, checkIntervalMs: 1000, fall: 3, rise: 2 }], file);
    }
  });

  describe('groups whose writer cannot be found by asking each node are refused, with the route to use instead', () => {
    const redis = `${IDCS}groups:\n  - name: c\n    kind: redis\n    nodes: [{ name: r1, idc: idc-a }, { name: r2, idc: idc-b, role: replica }]\n${CLIENTS}`;
    const galera = `${IDCS}groups:\n  - name: c\n    kind: galera\n    nodes: [{ name: g1, idc: idc-a }, { name: g2, idc: idc-b }, { name: g3, idc: idc-c }]\n${CLIENTS}`;
    const cluster = `${IDCS}groups:\n  - name: c\n    kind: redis-cluster\n    nodes:\n      - { name: m-a, idc: idc-a, role: master }\n      - { name: m-b, idc: idc-b, role: master }\n      - { name: m-c, idc: idc-c, role: master }\n      - { name: r-a, idc: idc-b, role: replica }\n      - { name: r-b, idc: idc-c, role: replica }\n      - { name: r-c, idc: idc-a, role: replica }\n${CLIENTS}`;
    const bidirectional = `${IDCS}groups:\n  - name: c\n    kind: mysql\n    replication: bidirectional\n    nodes: [{ name: b1, idc: idc-a }, { name: b2, idc: idc-b }]\n${CLIENTS}`;
    // A one-writer group is sent to its writer; a group that writes on every node, to its local node.
    const cases = [
      { name: 'redis', text: redis, instead: /"writer"/, not: /"local"/ },
      { name: 'redis-cluster', text: cluster, instead: /"writer"/, not: /"local"/ },
      { name: 'galera', text: galera, instead: /"local"/, not: /"writer"/ },
      { name: 'bidirectional mysql', text: bidirectional, instead: /"local"/, not: /"writer"/ },
    ];
    for (const c of cases) {
      for (const route of ['proxy', 'writable']) {
        test(`writes: ${route} on a ${c.name} group`, () => {
          const text = `${c.text}${entry(`writes: ${route}`, 'c')}`;
          // Each kind's text must be a valid scenario without the route.
          assert.doesNotThrow(() => parse(c.text), c.name);
          const message = problemAt(text, 'workload.groups[0].writes', `writes: ${route}`);
          assert.match(message, new RegExp(`writes: ${route} finds the writer`));
          assert.match(message, /cannot be found that way/);
          assert.match(message, c.instead);
          assert.doesNotMatch(message, c.not, 'a route the parser would refuse for this group is no fix');
        });
      }
    }
  });
});

// Planning: the shipped stacks, with the run's key pair among the secrets.
const SSH_KEY = { privatePem: '-----BEGIN RSA PRIVATE KEY-----\nTEST\n-----END RSA PRIVATE KEY-----\n', publicLine: 'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABTEST hadrill-r1' };
const BASE_SECRETS = { rootPassword: 'rootpw-x', replPassword: 'replpw-x', appPassword: 'apppw-x', redisPassword: 'redispw-x', sentinelPassword: 'sentinelpw-x', managerToken: 'token-x' };
const INPUTS: PlanInputs = { home: 'h1', run: 'r1', subnetBlock: 170, ownImageTag: 'hadrill/base:test', secrets: { ...BASE_SECRETS, sshKey: SSH_KEY }, packageDir: '/pkg', runDir: '/state/r1' };

const stackText = (file: string): string => readFileSync(join(ROOT, 'scenarios/stacks', file), 'utf8');
const planText = (text: string, inputs: PlanInputs = INPUTS): TopologyPlan => planTopology(parseScenario(text, FILE, KIND_MODELS), inputs, PLANNERS);

function fileIn(container: ContainerPlan | undefined, path: string): { content: string; mode: number } {
  const file = container?.files.find((f) => f.path === path);
  assert.ok(file, `${container?.name} has no ${path}`);
  return file;
}

const byNode = (plan: TopologyPlan, node: string): ContainerPlan => {
  const c = plan.containers.find((x) => x.node === node);
  assert.ok(c, `no container for ${node}`);
  return c;
};
const agentWrite = (plan: TopologyPlan, client: string) => (JSON.parse(fileIn(byNode(plan, client), '/etc/hadrill/agent.json').content) as AgentConfig).groups.find((g) => g.group === 'mysql')?.write;

describe('planning the MHA + proxy stack', () => {
  const plan = planText(stackText('mha-proxy.yaml'));

  test('one MHA container, named after the group, in idc-c', () => {
    const mha = plan.containers.filter((c) => c.kind === 'mha');
    assert.deepEqual(mha.map((c) => [c.node, c.idc, c.group]), [['mysql-mha', 'idc-c', 'mysql']]);
    assert.ok(!plan.containers.some((c) => c.kind === 'manager'), 'no manager of hadrill\'s beside MHA');
  });

  test('one proxy in each IDC clients write from', () => {
    const proxies = plan.containers.filter((c) => c.kind === 'proxy');
    assert.deepEqual(
      proxies.map((c) => [c.node, c.idc]),
      [
        ['mysql-proxy-idc-a', 'idc-a'],
        ['mysql-proxy-idc-b', 'idc-b'],
      ],
    );
  });

  test('every MySQL node and MHA get the run\'s key pair as root-only files, and the variable naming their directory', () => {
    const driven = plan.containers.filter((c) => c.kind === 'mysql' || c.kind === 'mha');
    assert.equal(driven.length, 4);
    for (const c of driven) {
      assert.equal(c.env['HADRILL_SSH_DIR'], '/etc/hadrill/ssh', c.name);
      const key = fileIn(c, '/etc/hadrill/ssh/id_rsa');
      assert.deepEqual([key.content, key.mode], [SSH_KEY.privatePem, 0o600], c.name);
      const authorized = fileIn(c, '/etc/hadrill/ssh/authorized_keys');
      assert.equal(authorized.content.trim(), SSH_KEY.publicLine, c.name);
    }
    for (const c of plan.containers.filter((x) => x.kind !== 'mysql' && x.kind !== 'mha')) {
      assert.ok(!c.files.some((f) => f.path.startsWith('/etc/hadrill/ssh/')), `${c.name} (${c.kind}) needs no key`);
      assert.equal(c.env['HADRILL_SSH_DIR'], undefined, c.name);
    }
  });

  test('the private key is a file only, never in an environment, a command line or a label', () => {
    for (const c of plan.containers) assert.ok(!JSON.stringify([c.env, c.cmd, c.labels, c.binds]).includes('TEST\n'), c.name);
  });

  test('MHA is configured with every node, the primary and the scenario\'s ping', () => {
    const mha = plan.containers.find((c) => c.kind === 'mha');
    const path = mha?.env['HADRILL_CONFIG_FILE'];
    assert.ok(path, 'MHA\'s program is given its config file');
    const config = JSON.parse(fileIn(mha, path).content) as MhaConfig;
    assert.deepEqual(
      config.nodes.map((n) => [n.name, n.host, n.port]),
      ['db-a', 'db-b', 'db-c'].map((n) => [n, byNode(plan, n).ip, 3306]),
    );
    assert.equal(config.initialPrimary, 'db-a');
    assert.deepEqual([config.pingIntervalS, config.pingType], [1, 'SELECT']);
  });

  test('each proxy checks every node, with the route\'s interval, fall and rise, as the workload user', () => {
    for (const proxy of plan.containers.filter((c) => c.kind === 'proxy')) {
      const path = proxy.env['HADRILL_CONFIG_FILE'];
      assert.ok(path, proxy.name);
      const config = JSON.parse(fileIn(proxy, path).content) as ProxyConfig;
      assert.equal(config.proxy, proxy.node);
      assert.deepEqual(
        config.servers.map((s) => [s.name, s.host]),
        ['db-a', 'db-b', 'db-c'].map((n) => [n, byNode(plan, n).ip]),
      );
      assert.deepEqual([config.checkIntervalMs, config.fall, config.rise], [1000, 3, 2]);
      assert.equal(config.checkUser, 'hadrill_app');
      assert.equal(config.checkPassword, BASE_SECRETS.appPassword);
    }
  });

  test('each agent writes through the proxy of its own IDC', () => {
    for (const [client, idc] of [
      ['app-idc-a', 'idc-a'],
      ['app-idc-b', 'idc-b'],
    ] as const) {
      const proxy = byNode(plan, `mysql-proxy-${idc}`);
      // `nodes`: every node's address by server id, for the client to tell which one the proxy reached.
      assert.deepEqual(agentWrite(plan, client), { via: 'proxy', host: proxy.ip, proxy: proxy.node, nodes: Object.fromEntries(['db-a', 'db-b', 'db-c'].map((n, i) => [String(i + 1), byNode(plan, n).ip])) }, client);
    }
  });

  test('placement counts the proxies as the planner places them', () => {
    const scenario = parseScenario(stackText('mha-proxy.yaml'), FILE, KIND_MODELS);
    const placed = placedContainers(scenario);
    assert.deepEqual(
      placed.filter((p) => p.origin.part === 'proxy').map((p) => [p.name, p.idc, p.origin]),
      [
        ['mysql-proxy-idc-a', 'idc-a', { part: 'proxy', workload: 0 }],
        ['mysql-proxy-idc-b', 'idc-b', { part: 'proxy', workload: 0 }],
      ],
    );
    assert.deepEqual(placed.find((p) => p.name === 'mysql-mha')?.origin, { part: 'failover', group: 0 });
    // Every container but the router, IDC by IDC.
    const planned = new Map<string, number>();
    for (const c of plan.containers.filter((x) => x.kind !== 'router')) planned.set(c.idc, (planned.get(c.idc) ?? 0) + 1);
    assert.deepEqual([...containersPerIdc(scenario)].sort(), [...planned].sort());
  });

  test('without a key pair in the secrets, planning MHA fails, telling to run `hadrill down`', () => {
    const { sshKey: _, ...old } = INPUTS.secrets;
    assert.throws(() => planText(stackText('mha-proxy.yaml'), { ...INPUTS, secrets: old }), /hadrill down/);
    assert.throws(() => planText(stackText('mha.yaml'), { ...INPUTS, secrets: old }), /SSH key pair/);
    // A stack without MHA needs none.
    assert.doesNotThrow(() => planText(stackText('manager-proxy.yaml'), { ...INPUTS, secrets: old }));
  });
});

describe('planning the other routes', () => {
  test('the MHA stack without a proxy: agents follow the announcement beside MHA', () => {
    const plan = planText(stackText('mha.yaml'));
    const mha = plan.containers.find((c) => c.kind === 'mha');
    assert.equal(plan.containers.filter((c) => c.kind === 'proxy').length, 0);
    const write = agentWrite(plan, 'app-idc-a');
    assert.equal(write?.via, 'announcement');
    assert.equal(write?.via === 'announcement' ? write.url : null, `http://${mha?.ip}:8080/primary`);
  });

  test('writes: writable gives every node\'s address, in the scenario\'s order', () => {
    const text = stackText('manager.yaml').replace('writes: writer', 'writes: writable');
    assert.notEqual(text, stackText('manager.yaml'));
    const plan = planText(text);
    const hosts = ['db-a', 'db-b', 'db-c'].map((n) => byNode(plan, n).ip);
    assert.equal(new Set(hosts).size, 3);
    for (const client of ['app-idc-a', 'app-idc-b']) assert.deepEqual(agentWrite(plan, client), { via: 'writable', hosts }, client);
    assert.equal(plan.containers.filter((c) => c.kind === 'proxy').length, 0);
  });

  test('a shared proxy: one container named after the group in its IDC, and every agent writes through it', () => {
    const text = stackText('manager-proxy.yaml').replace('proxy: { checkInterval: 1s, fall: 3, rise: 2 }', 'proxy: { idc: idc-c }');
    assert.notEqual(text, stackText('manager-proxy.yaml'));
    const plan = planText(text);
    const proxies = plan.containers.filter((c) => c.kind === 'proxy');
    assert.deepEqual(proxies.map((c) => [c.node, c.idc]), [['mysql-proxy', 'idc-c']]);
    const nodes = Object.fromEntries(['db-a', 'db-b', 'db-c'].map((n, i) => [String(i + 1), byNode(plan, n).ip]));
    for (const client of ['app-idc-a', 'app-idc-b']) assert.deepEqual(agentWrite(plan, client), { via: 'proxy', host: proxies[0]!.ip, proxy: 'mysql-proxy', nodes }, client);
    const placed = placedContainers(parseScenario(text, FILE, KIND_MODELS)).filter((p) => p.origin.part === 'proxy');
    assert.deepEqual(placed.map((p) => [p.name, p.idc]), [['mysql-proxy', 'idc-c']]);
  });

  test('the manager + proxy stack keeps hadrill\'s manager and gives its nodes no key', () => {
    const plan = planText(stackText('manager-proxy.yaml'));
    assert.equal(plan.containers.filter((c) => c.kind === 'manager').length, 1);
    assert.equal(plan.containers.filter((c) => c.kind === 'proxy').length, 2);
    for (const c of plan.containers.filter((x) => x.kind === 'mysql')) assert.ok(!c.files.some((f) => f.path.includes('/ssh/')), c.name);
  });
});
