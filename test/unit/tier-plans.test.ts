// Each shipped tier scenario, planned: the containers it promises (datastore
// nodes, failover machinery, data access layer, agents, router) in the IDCs its
// comment header names, its initial writers, its replication wiring, and the
// routes its clients take. Addresses are checked by who they belong to, never
// as literals, so the tests hold whatever order the planner allocates in.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { DalConfig } from '../../src/datastores/dal/protocol.js';
import { DAL_TIMING } from '../../src/datastores/dal/plan/plan.js';
import { KIND_MODELS, PLANNERS } from '../../src/datastores/registry.js';
import type { AgentConfig, AgentGroupConfig, BackupSupervisorConfig, ManagerConfig, RestoreManagerConfig, StandbyConfig, WriteTarget } from '../../src/core/plan/runtime-configs.js';
import { placedContainers } from '../../src/core/plan/placement.js';
import { planTopology, type ContainerPlan, type PlanInputs } from '../../src/core/plan/topology-plan.js';
import { parseScenario } from '../../src/core/scenario/parse-scenario.js';
import { ROOT } from '../support/hadrill-cli.js';
import { programCommand } from '../../src/core/plan/programs.js';
import { backupSupervisors } from '../../src/engine/backup-schedule.js';

const TOKEN = 'token-secret-value';
const INPUTS: PlanInputs = {
  home: 'h1',
  run: 'r1',
  subnetBlock: 171,
  ownImageTag: 'hadrill/base:test',
  secrets: { rootPassword: 'root-secret', replPassword: 'repl-secret', appPassword: 'app-secret', redisPassword: 'redis-secret', sentinelPassword: 'sentinel-secret', managerToken: TOKEN },
  packageDir: '/pkg',
  runDir: '/state/r1',
};

const TIERS = [
  'cold-backup.yaml',
  'global-zone.yaml',
  'hot-standby-load-semisync.yaml',
  'hot-standby-load.yaml',
  'hot-standby-semisync.yaml',
  'hot-standby.yaml',
  'multi-active-async.yaml',
  'multi-active-galera.yaml',
  'redis-cluster.yaml',
  'same-city-active-active.yaml',
  'two-city-three-center.yaml',
  'unit-sharded.yaml',
];

/** A shipped scenario, parsed and planned as `up` does, with accessors by node name. */
function planned(file: string) {
  const scenario = parseScenario(readFileSync(join(ROOT, 'scenarios', file), 'utf8'), file, KIND_MODELS);
  const plan = planTopology(scenario, INPUTS, PLANNERS);
  const container = (node: string): ContainerPlan => {
    const c = plan.containers.find((x) => x.node === node);
    assert.ok(c, `${file} plans no container "${node}"`);
    return c;
  };
  const ip = (node: string): string => container(node).ip;
  const config = <T>(node: string, name: string): T => {
    const f = container(node).files.find((x) => x.path === `/etc/hadrill/${name}`);
    assert.ok(f, `${node} has no /etc/hadrill/${name}`);
    return JSON.parse(f.content) as T;
  };
  const agent = (idc: string): AgentConfig => config<AgentConfig>(`app-${idc}`, 'agent.json');
  const route = (idc: string, group: string): AgentGroupConfig => {
    const g = agent(idc).groups.find((x) => x.group === group);
    assert.ok(g, `app-${idc} has no route to group "${group}"`);
    return g;
  };
  /** Every container as "node kind idc group", sorted: the whole layout in one comparison. */
  const layout = (): string[] => plan.containers.map((c) => `${c.node} ${c.kind} ${c.idc} ${c.group ?? '-'}`).sort();
  return { scenario, plan, container, ip, config, agent, route, layout };
}

/** The value of a `--flag=value` argument, or null. */
function arg(c: ContainerPlan, flag: string): string | null {
  const found = c.cmd.find((a) => a.startsWith(`${flag}=`));
  return found === undefined ? null : found.slice(flag.length + 1);
}

/** The master a Redis node is started as a replica of (`--replicaof IP 6379`), or null. */
function replicaOf(cmd: readonly string[]): string | null {
  const i = cmd.indexOf('--replicaof');
  if (i === -1) return null;
  assert.equal(cmd[i + 2], '6379');
  return cmd[i + 1] ?? null;
}

const announcement = (managerIp: string, initialHost: string): WriteTarget => ({ via: 'announcement', url: `http://${managerIp}:8080/primary`, token: TOKEN, initialHost });
const sentinels = (ips: string[]): WriteTarget => ({ via: 'sentinel', sentinels: ips.map((host) => ({ host, port: 26379 })), masterName: 'hadrill', sentinelPassword: 'sentinel-secret' });
const dal = (routerIp: string): WriteTarget => ({ via: 'dal', url: `http://${routerIp}:8083`, token: TOKEN });

/**
 * What every plan promises whatever the tier: unique names and addresses,
 * every container but the router in exactly one network, its own IDC's,
 * inside that IDC's subnet and clear of the gateway and the router, and
 * routed to every other IDC through the router's leg in its own IDC.
 */
function assertWellFormed(t: ReturnType<typeof planned>): void {
  const { scenario, plan } = t;
  const names = plan.containers.map((c) => c.name);
  assert.equal(new Set(names).size, names.length, 'container names are unique');
  const addresses = plan.containers.flatMap((c) => c.networks.map((n) => n.ip));
  assert.equal(new Set(addresses).size, addresses.length, 'addresses are unique, the router legs included');
  assert.deepEqual(plan.networks.map((n) => n.idc), scenario.idcs.map((i) => i.name), 'one network per IDC of the scenario');
  for (const c of plan.containers) {
    if (c.kind === 'router') {
      assert.deepEqual(c.networks, plan.networks.map((n) => ({ network: n.name, ip: n.routerIp })), 'the router has a leg in every IDC');
      continue;
    }
    const net = plan.networks.find((n) => n.idc === c.idc);
    assert.ok(net, `${c.node} is in IDC "${c.idc}", which the scenario does not declare`);
    assert.deepEqual(c.networks, [{ network: net.name, ip: c.ip }], `${c.node} is in its own IDC's network only`);
    const prefix = net.subnet.replace(/0\/24$/, '');
    const host = Number(c.ip.slice(prefix.length));
    assert.ok(c.ip.startsWith(prefix) && Number.isInteger(host) && host > 1 && host < 254, `${c.node}'s ${c.ip} is a host of ${net.subnet}, not its gateway or router`);
    const routes = plan.networks.filter((n) => n.idc !== c.idc).map((n) => `${n.subnet}=${net.routerIp}`).join(',');
    assert.equal(c.env['HADRILL_ROUTES'], routes, `${c.node} reaches the other IDCs through the router in ${c.idc}`);
  }
}

describe('tier plans', () => {
  test('every shipped tier scenario has its plan checked here', () => {
    // A new tier must promise a layout too: add it to TIERS and give it a test below.
    assert.deepEqual(readdirSync(join(ROOT, 'scenarios')).filter((f) => f.endsWith('.yaml')).sort(), TIERS);
  });

  for (const file of TIERS) {
    test(`${file} plans unique names and addresses, each container in one network of an IDC it declares`, () => {
      assertWellFormed(planned(file));
    });

    test(`${file}: the containers the parser counts per IDC are the ones the planner places`, () => {
      const t = planned(file);
      const placed = placedContainers(t.scenario).map((p) => `${p.name} ${p.idc}`).sort();
      assert.deepEqual(placed, t.plan.containers.filter((c) => c.kind !== 'router').map((c) => `${c.node} ${c.idc}`).sort());
    });
  }

  test('cold backup: writers in idc-a, empty standbys, storage and restore managers in idc-b, clients following the restore announcement', () => {
    const t = planned('cold-backup.yaml');
    assert.deepEqual(t.layout(), [
      'app-idc-a agent idc-a -',
      'app-idc-b agent idc-b -',
      'db-a mysql idc-a mysql',
      'db-b mysql idc-b mysql',
      'mysql-restore restore idc-b mysql',
      'mysql-storage storage idc-b mysql',
      'redis-a redis idc-a redis',
      'redis-b redis idc-b redis',
      'redis-restore restore idc-b redis',
      'redis-storage storage idc-b redis',
      'router router wan -',
    ]);
    // The drill restarts the schedules of exactly the two supervised writers at its start.
    assert.deepEqual(backupSupervisors({ plan: t.plan }).map((c) => c.node).sort(), ['db-a', 'redis-a']);
    for (const [group, writer, standby] of [['mysql', 'db-a', 'db-b'], ['redis', 'redis-a', 'redis-b']] as const) {
      const storageUrl = `http://${t.ip(`${group}-storage`)}:8082`;
      const restoreIp = t.ip(`${group}-restore`);
      // The writer's server runs under the backup supervisor, which ships to storage every 10 s.
      assert.deepEqual(t.container(writer).cmd, programCommand('backupSupervisor'));
      const supervisor = t.config<BackupSupervisorConfig>(writer, 'supervisor.json');
      assert.deepEqual([supervisor.node, supervisor.everyMs, supervisor.storageUrl, supervisor.announcementUrl, supervisor.server.host], [writer, 10_000, storageUrl, `http://${restoreIp}:8080/primary`, t.ip(writer)]);
      // The standby waits, empty, for a restore; it replicates from nobody.
      assert.deepEqual(t.container(standby).cmd, programCommand('backupStandby'));
      const standbyConfig = t.config<StandbyConfig>(standby, 'standby.json');
      assert.equal(standbyConfig.listenPort, 8081);
      assert.equal(replicaOf(standbyConfig.serverCommand), null);
      // The restore manager watches the writer and restores onto the standby, with the scenario's probe settings.
      const restore = t.config<RestoreManagerConfig>(`${group}-restore`, 'restore-manager.json');
      assert.deepEqual([restore.primary.name, restore.primary.host, restore.standby.name, restore.standby.controlUrl, restore.storageUrl], [writer, t.ip(writer), standby, `http://${t.ip(standby)}:8081`, storageUrl]);
      assert.deepEqual([restore.checkIntervalMs, restore.failureThreshold, restore.connectTimeoutMs], [500, 3, 1000]);
      // Clients in both IDCs follow the restore manager's announcement and read nothing.
      for (const idc of ['idc-a', 'idc-b']) {
        const r = t.route(idc, group);
        assert.deepEqual(r.write, announcement(restoreIp, t.ip(writer)), `app-${idc} writes ${group} through the restore announcement`);
        assert.deepEqual([r.readHost, r.readsPerSecond, r.writesPerSecond], [null, 0, 20]);
      }
    }
    assert.equal(replicaOf(t.config<BackupSupervisorConfig>('redis-a', 'supervisor.json').serverCommand), null, 'the Redis writer is a master');
  });

  /** The shape both hot-standby scenarios and same-city active-active share: writer in idc-a, standby in idc-b, witness idc-c. */
  function assertActiveStandby(t: ReturnType<typeof planned>): void {
    assert.deepEqual(t.layout(), [
      'app-idc-a agent idc-a -',
      'app-idc-b agent idc-b -',
      'db-a mysql idc-a mysql',
      'db-b mysql idc-b mysql',
      'mysql-manager manager idc-c mysql',
      'redis-a redis idc-a redis',
      'redis-b redis idc-b redis',
      'router router wan -',
      'sentinel-idc-a sentinel idc-a redis',
      'sentinel-idc-b sentinel idc-b redis',
      'sentinel-idc-c sentinel idc-c redis',
    ]);
    const manager = t.config<ManagerConfig>('mysql-manager', 'manager.json');
    assert.deepEqual(manager.nodes.map((n) => [n.name, n.host, n.idc]), [['db-a', t.ip('db-a'), 'idc-a'], ['db-b', t.ip('db-b'), 'idc-b']]);
    assert.equal(manager.initialPrimary, 'db-a');
    assert.deepEqual([manager.checkIntervalMs, manager.failureThreshold, manager.connectTimeoutMs, manager.prefer], [500, 3, 1000, 'most-advanced']);
    for (const node of ['db-a', 'db-b']) {
      // Every node starts read-only: only the manager opens the primary.
      assert.ok(t.container(node).cmd.includes('--read-only=1'), `${node} starts read-only`);
      assert.equal(arg(t.container(node), '--gtid-strict-mode'), '1');
    }
    assert.deepEqual([arg(t.container('db-a'), '--server-id'), arg(t.container('db-b'), '--server-id')], ['1', '2']);
    // redis-b replicates from redis-a; the three Sentinels watch redis-a with a majority quorum.
    assert.equal(replicaOf(t.container('redis-a').cmd), null);
    assert.equal(replicaOf(t.container('redis-b').cmd), t.ip('redis-a'));
    for (const s of ['sentinel-idc-a', 'sentinel-idc-b', 'sentinel-idc-c']) {
      const env = t.container(s).env;
      assert.deepEqual([env['HADRILL_SENTINEL_MASTER_IP'], env['HADRILL_SENTINEL_QUORUM'], env['HADRILL_SENTINEL_DOWN_AFTER_MS'], env['HADRILL_SENTINEL_FAILOVER_TIMEOUT_MS']], [t.ip('redis-a'), '2', '2000', '10000']);
    }
    // Clients in both IDCs write through the announced writer (idc-b's cross the IDC link) and read their own IDC's node.
    for (const [idc, db, redis] of [['idc-a', 'db-a', 'redis-a'], ['idc-b', 'db-b', 'redis-b']] as const) {
      assert.deepEqual(t.route(idc, 'mysql').write, announcement(t.ip('mysql-manager'), t.ip('db-a')));
      assert.equal(t.route(idc, 'mysql').readHost, t.ip(db));
      assert.deepEqual(t.route(idc, 'redis').write, sentinels([t.ip('sentinel-idc-a'), t.ip('sentinel-idc-b'), t.ip('sentinel-idc-c')]));
      assert.equal(t.route(idc, 'redis').readHost, t.ip(redis));
    }
  }

  test('hot standby (async): primary and master in idc-a, standbys in idc-b, manager and the third Sentinel in the witness idc-c', () => {
    const t = planned('hot-standby.yaml');
    assertActiveStandby(t);
    assert.equal(t.config<ManagerConfig>('mysql-manager', 'manager.json').semiSync, false);
    for (const node of ['db-a', 'db-b']) assert.ok(!t.container(node).cmd.some((a) => a.includes('semi-sync')), `${node} has no semi-sync`);
    // Sentinel-managed nodes keep the configuration Sentinel rewrites, so a power cycle keeps the role it gave them.
    for (const node of ['redis-a', 'redis-b']) assert.equal(t.container(node).cmd[0], 'hadrill-redis', node);
  });

  test('hot standby (semi-sync): the same layout, with semi-sync that never falls back to async within the drill', () => {
    const t = planned('hot-standby-semisync.yaml');
    assertActiveStandby(t);
    assert.equal(t.config<ManagerConfig>('mysql-manager', 'manager.json').semiSync, true);
    for (const node of ['db-a', 'db-b']) {
      const c = t.container(node);
      // Off at start on the primary: `up` turns it on once the standby is connected.
      assert.deepEqual(
        [arg(c, '--rpl-semi-sync-master-enabled'), arg(c, '--rpl-semi-sync-slave-enabled'), arg(c, '--rpl-semi-sync-master-timeout'), arg(c, '--rpl-semi-sync-master-wait-point')],
        ['OFF', 'ON', '120000', 'AFTER_SYNC'],
      );
    }
  });

  test('hot standby under load (async and semi-sync): the primary in idc-a, the standby across a 2 Mbit/s line in city-2, 16 unpaced writes in flight from each client', () => {
    for (const [file, semi] of [['hot-standby-load.yaml', false], ['hot-standby-load-semisync.yaml', true]] as const) {
      const t = planned(file);
      assert.deepEqual(t.layout(), ['app-a1 agent idc-a -', 'app-a2 agent idc-a -', 'app-b1 agent idc-b -', 'db-a mysql idc-a mysql', 'db-b mysql idc-b mysql', 'mysql-manager manager idc-c mysql', 'router router wan -'], file);
      assert.equal(t.config<ManagerConfig>('mysql-manager', 'manager.json').semiSync, semi, file);
      assert.deepEqual(t.scenario.network.links, [{ a: 'idc-a', b: 'idc-b', shape: { latencyMs: 30, jitterMs: 0, lossPct: 0, rateKbit: 2000 } }], file);
      for (const client of ['app-a1', 'app-a2', 'app-b1']) {
        assert.deepEqual(t.config<AgentConfig>(client, 'agent.json').groups.map((g) => [g.group, g.writesPerSecond, g.inFlight]), [['mysql', 'max', 16]], `${file}: ${client}`);
      }
    }
  });

  test('same-city active-active: both IDCs of city-1 serve, one writer in idc-a, the witness idc-c holds the manager and a Sentinel', () => {
    const t = planned('same-city-active-active.yaml');
    assertActiveStandby(t);
    const manager = t.config<ManagerConfig>('mysql-manager', 'manager.json');
    assert.deepEqual(manager.nodes.map((n) => n.city), ['city-1', 'city-1']);
    assert.equal(t.scenario.network.sameCityLatencyMs, 1);
  });

  test('two cities, three centers: replicas in idc-b and the DR idc-c, a same-city-preferring manager in idc-c, Sentinels two to one', () => {
    const t = planned('two-city-three-center.yaml');
    assert.deepEqual(t.layout(), [
      'app-idc-a agent idc-a -',
      'app-idc-b agent idc-b -',
      'app-idc-c agent idc-c -',
      'db-a mysql idc-a mysql',
      'db-b mysql idc-b mysql',
      'db-c mysql idc-c mysql',
      'mysql-manager manager idc-c mysql',
      'redis-a redis idc-a redis',
      'redis-b redis idc-b redis',
      'redis-c redis idc-c redis',
      'router router wan -',
      'sentinel-idc-a sentinel idc-a redis',
      'sentinel-idc-b sentinel idc-b redis',
      'sentinel-idc-c sentinel idc-c redis',
    ]);
    const manager = t.config<ManagerConfig>('mysql-manager', 'manager.json');
    assert.equal(manager.initialPrimary, 'db-a');
    assert.equal(manager.prefer, 'same-city');
    // The manager decides "same city" by these: idc-b shares city-1 with the lost idc-a, idc-c does not.
    assert.deepEqual(manager.nodes.map((n) => [n.name, n.host, n.city]), [['db-a', t.ip('db-a'), 'city-1'], ['db-b', t.ip('db-b'), 'city-1'], ['db-c', t.ip('db-c'), 'city-2']]);
    assert.deepEqual(['redis-a', 'redis-b', 'redis-c'].map((n) => replicaOf(t.container(n).cmd)), [null, t.ip('redis-a'), t.ip('redis-a')]);
    // prefer: same-city: the DR replica in city-2 is the Sentinels' last choice.
    const priority = (cmd: string[]): string | null => (cmd.includes('--replica-priority') ? cmd[cmd.indexOf('--replica-priority') + 1]! : null);
    assert.deepEqual(['redis-a', 'redis-b', 'redis-c'].map((n) => priority(t.container(n).cmd)), ['100', '100', '200']);
    // Two of three Sentinels are in city-1: losing it leaves no majority for the default quorum of 2.
    assert.deepEqual(['sentinel-idc-a', 'sentinel-idc-b', 'sentinel-idc-c'].map((s) => t.container(s).env['HADRILL_SENTINEL_QUORUM']), ['2', '2', '2']);
    for (const [idc, suffix] of [['idc-a', 'a'], ['idc-b', 'b'], ['idc-c', 'c']] as const) {
      assert.deepEqual(t.route(idc, 'mysql').write, announcement(t.ip('mysql-manager'), t.ip('db-a')));
      assert.deepEqual([t.route(idc, 'mysql').readHost, t.route(idc, 'redis').readHost], [t.ip(`db-${suffix}`), t.ip(`redis-${suffix}`)], `app-${idc} reads its own IDC's nodes`);
      assert.deepEqual(t.route(idc, 'redis').write, sentinels([t.ip('sentinel-idc-a'), t.ip('sentinel-idc-b'), t.ip('sentinel-idc-c')]));
    }
  });

  test('multi-active async: a writable primary per city with its own GTID domain and auto-increment offset, a cache per city, no failover machinery', () => {
    const t = planned('multi-active-async.yaml');
    assert.deepEqual(t.layout(), [
      'app-idc-a agent idc-a -',
      'app-idc-b agent idc-b -',
      'db-a mysql idc-a mysql',
      'db-b mysql idc-b mysql',
      'redis-a redis idc-a cache-a',
      'redis-b redis idc-b cache-b',
      'router router wan -',
    ]);
    // Domains and offsets keep the two primaries' transactions and ids from colliding.
    const flags = (node: string): (string | null)[] => ['--gtid-domain-id', '--auto-increment-increment', '--auto-increment-offset', '--gtid-strict-mode'].map((f) => arg(t.container(node), f));
    assert.deepEqual(flags('db-a'), ['1', '2', '1', '0']);
    assert.deepEqual(flags('db-b'), ['2', '2', '2', '0']);
    assert.deepEqual(['redis-a', 'redis-b'].map((n) => replicaOf(t.container(n).cmd)), [null, null], 'each cache is its own master');
    for (const [idc, suffix] of [['idc-a', 'a'], ['idc-b', 'b']] as const) {
      // Each client uses the shared MySQL group and its own city's cache only, all on its own IDC's nodes.
      assert.deepEqual(t.agent(idc).groups.map((g) => g.group), ['mysql', `cache-${suffix}`]);
      assert.deepEqual(t.route(idc, 'mysql').write, { via: 'node', host: t.ip(`db-${suffix}`) });
      assert.equal(t.route(idc, 'mysql').readHost, t.ip(`db-${suffix}`));
      assert.deepEqual(t.route(idc, `cache-${suffix}`).write, { via: 'node', host: t.ip(`redis-${suffix}`) });
      assert.equal(t.route(idc, `cache-${suffix}`).readHost, t.ip(`redis-${suffix}`));
    }
  });

  test('multi-active Galera: one cluster across three cities, one gmcast segment per city, every client on its own IDC\'s member and cache; the same cluster in one city beside it', () => {
    const t = planned('multi-active-galera.yaml');
    assert.deepEqual(t.layout(), [
      'app-idc-a agent idc-a -',
      'app-idc-a2 agent idc-a2 -',
      'app-idc-a3 agent idc-a3 -',
      'app-idc-b agent idc-b -',
      'app-idc-c agent idc-c -',
      'city-a galera idc-a one-city',
      'city-a2 galera idc-a2 one-city',
      'city-a3 galera idc-a3 one-city',
      'db-a galera idc-a mysql',
      'db-b galera idc-b mysql',
      'db-c galera idc-c mysql',
      'redis-a redis idc-a cache-a',
      'redis-b redis idc-b cache-b',
      'redis-c redis idc-c cache-c',
      'router router wan -',
    ]);
    const members = ['db-a', 'db-b', 'db-c'];
    members.forEach((node, i) => {
      const c = t.container(node);
      assert.equal(arg(c, '--wsrep-cluster-address'), `gcomm://${members.map(t.ip).join(',')}`, `${node} joins every member`);
      assert.deepEqual([arg(c, '--wsrep-cluster-name'), arg(c, '--wsrep-node-address'), arg(c, '--wsrep-node-name'), arg(c, '--server-id')], ['mysql', c.ip, node, String(i + 1)]);
      assert.match(arg(c, '--wsrep-provider-options') ?? '', new RegExp(`^gmcast\\.segment=${i};`), 'three cities, three segments');
    });
    // One city: one segment for all three, and the city's clients on their own IDC's member.
    for (const node of ['city-a', 'city-a2', 'city-a3']) assert.match(arg(t.container(node), '--wsrep-provider-options') ?? '', /^gmcast\.segment=0;/);
    for (const suffix of ['a2', 'a3']) assert.deepEqual(t.route(`idc-${suffix}`, 'one-city').write, { via: 'node', host: t.ip(`city-${suffix}`) });
    assert.deepEqual(t.route('idc-a', 'one-city').write, { via: 'node', host: t.ip('city-a') });
    for (const suffix of ['a', 'b', 'c']) {
      const idc = `idc-${suffix}`;
      assert.deepEqual(t.agent(idc).groups.map((g) => g.group), suffix === 'a' ? ['mysql', 'one-city', `cache-${suffix}`] : ['mysql', `cache-${suffix}`]);
      assert.deepEqual(t.route(idc, 'mysql').write, { via: 'node', host: t.ip(`db-${suffix}`) });
      assert.equal(t.route(idc, 'mysql').readHost, t.ip(`db-${suffix}`));
      assert.deepEqual(t.route(idc, `cache-${suffix}`).write, { via: 'node', host: t.ip(`redis-${suffix}`) });
    }
  });

  test('global zone: a sharded primary and a global node in every zone, the global manager and the DAL controller in idc-b, every client writing through its own zone\'s router', () => {
    const t = planned('global-zone.yaml');
    assert.deepEqual(t.layout(), [
      'app-idc-a agent idc-a -',
      'app-idc-b agent idc-b -',
      'app-idc-c agent idc-c -',
      'dal-controller dal-controller idc-b -',
      'global-a mysql idc-a global',
      'global-b mysql idc-b global',
      'global-c mysql idc-c global',
      'global-manager manager idc-b global',
      'router router wan -',
      'shard-a mysql idc-a sharded',
      'shard-b mysql idc-b sharded',
      'shard-c mysql idc-c sharded',
      'zone-a dal idc-a -',
      'zone-b dal idc-b -',
      'zone-c dal idc-c -',
    ]);
    ['shard-a', 'shard-b', 'shard-c'].forEach((node, i) => {
      assert.deepEqual([arg(t.container(node), '--gtid-domain-id'), arg(t.container(node), '--auto-increment-increment')], [String(i + 1), '3']);
    });
    const manager = t.config<ManagerConfig>('global-manager', 'manager.json');
    assert.deepEqual([manager.group, manager.initialPrimary, manager.nodes.map((n) => n.name)], ['global', 'global-a', ['global-a', 'global-b', 'global-c']]);
    // 12 shards split evenly, shard s homed in zone s mod 3; each zone's sharded writes land on its own primary.
    const expected: Omit<DalConfig, 'zone'> = {
      shards: 12,
      homes: { 'zone-a': [0, 3, 6, 9], 'zone-b': [1, 4, 7, 10], 'zone-c': [2, 5, 8, 11] },
      // Each zone's node carries its GTID domain: the controller waits on it when a zone's shards move.
      // Reads are served in the zone from its own copies of both groups.
      zones: ['a', 'b', 'c'].map((s, i) => ({ name: `zone-${s}`, idc: `idc-${s}`, router: t.ip(`zone-${s}`), shardedNode: { name: `shard-${s}`, host: t.ip(`shard-${s}`), domain: i + 1 }, reads: { sharded: t.ip(`shard-${s}`), global: t.ip(`global-${s}`) } })),
      shardedGroup: 'sharded',
      // Global writes follow the manager's announcement of the global writer, starting at the master zone's node.
      global: { group: 'global', write: { via: 'announcement', url: `http://${t.ip('global-manager')}:8080/primary`, token: TOKEN, initialHost: t.ip('global-a') } },
      controllerUrl: `http://${t.ip('dal-controller')}:8083`,
      token: TOKEN,
      listenPort: 8083,
      eventsFile: '/var/lib/hadrill/machinery/events.jsonl',
      stateFile: '/var/lib/hadrill/machinery/memory.json',
      mysql: { port: 3306, user: 'hadrill_app', password: 'app-secret', database: 'hadrill', adminUser: 'root', adminPassword: 'root-secret' },
      opTimeoutMs: 2000,
      ...DAL_TIMING,
    };
    for (const zone of ['zone-a', 'zone-b', 'zone-c']) assert.deepEqual(t.config<DalConfig>(zone, 'dal.json'), { ...expected, zone });
    assert.deepEqual(t.config<DalConfig>('dal-controller', 'dal.json'), { ...expected, zone: '' });
    for (const s of ['a', 'b', 'c']) {
      const idc = `idc-${s}`;
      assert.deepEqual([t.route(idc, 'sharded').write, t.route(idc, 'global').write], [dal(t.ip(`zone-${s}`)), dal(t.ip(`zone-${s}`))], `app-${idc} writes through zone-${s}`);
      assert.deepEqual([t.route(idc, 'sharded').readHost, t.route(idc, 'global').readHost], [t.ip(`shard-${s}`), t.ip(`global-${s}`)], `app-${idc} reads its own zone's nodes`);
    }
  });

  test('Redis Cluster: a master per IDC, each replica in another IDC than its master, no machinery container, clients given every node and no shared key', () => {
    const t = planned('redis-cluster.yaml');
    assert.deepEqual(t.layout(), [
      'app-idc-a agent idc-a -', 'app-idc-b agent idc-b -', 'app-idc-c agent idc-c -',
      'm-a redis-cluster idc-a cache', 'm-b redis-cluster idc-b cache', 'm-c redis-cluster idc-c cache',
      'r-a redis-cluster idc-b cache', 'r-b redis-cluster idc-c cache', 'r-c redis-cluster idc-a cache',
      'router router wan -',
    ]);
    for (const node of ['m-a', 'm-b', 'm-c', 'r-a', 'r-b', 'r-c']) {
      const cmd = t.container(node).cmd.join(' ');
      assert.match(cmd, /--cluster-enabled yes/);
      assert.match(cmd, /--cluster-node-timeout 3000/);
      assert.ok(cmd.includes(`--cluster-announce-ip ${t.ip(node)}`), `${node} announces its own address: ${cmd}`);
    }
    for (const idc of ['idc-a', 'idc-b', 'idc-c']) {
      const r = t.route(idc, 'cache');
      assert.deepEqual(r.write, { via: 'nodes', hosts: ['m-a', 'm-b', 'm-c', 'r-a', 'r-b', 'r-c'].map(t.ip) });
      assert.equal(r.keys, 0, 'one key per write: a shared key would be on another slot');
      assert.equal(r.readHost, null);
    }
  });

  test('unit-sharded: users homed in the regional units b and c and used from them, global data written everywhere, a router per unit and the controller in the central unit', () => {
    const t = planned('unit-sharded.yaml');
    assert.deepEqual(t.layout(), [
      'app-idc-a agent idc-a -',
      'app-idc-b agent idc-b -',
      'app-idc-c agent idc-c -',
      'dal-controller dal-controller idc-a -',
      'global-a mysql idc-a global',
      'global-b mysql idc-b global',
      'global-c mysql idc-c global',
      'router router wan -',
      'unit-a dal idc-a -',
      'unit-b dal idc-b -',
      'unit-c dal idc-c -',
      'users-b mysql idc-b users',
      'users-c mysql idc-c users',
    ]);
    assert.deepEqual(['users-b', 'users-c'].map((n) => [arg(t.container(n), '--gtid-domain-id'), arg(t.container(n), '--auto-increment-increment')]), [['1', '2'], ['2', '2']]);
    assert.deepEqual(['global-a', 'global-b', 'global-c'].map((n) => arg(t.container(n), '--gtid-domain-id')), ['1', '2', '3']);
    const router = t.config<DalConfig>('unit-b', 'dal.json');
    assert.deepEqual(router.homes, { 'unit-b': [0, 1, 2, 3, 4], 'unit-c': [5, 6, 7, 8, 9] });
    // The central unit homes no shard and holds no users node: it only forwards to the homes.
    assert.deepEqual(router.zones, [
      // The central unit keeps no copy of the users: it reads global data only.
      { name: 'unit-a', idc: 'idc-a', router: t.ip('unit-a'), shardedNode: null, reads: { users: null, global: t.ip('global-a') } },
      { name: 'unit-b', idc: 'idc-b', router: t.ip('unit-b'), shardedNode: { name: 'users-b', host: t.ip('users-b'), domain: 1 }, reads: { users: t.ip('users-b'), global: t.ip('global-b') } },
      { name: 'unit-c', idc: 'idc-c', router: t.ip('unit-c'), shardedNode: { name: 'users-c', host: t.ip('users-c'), domain: 2 }, reads: { users: t.ip('users-c'), global: t.ip('global-c') } },
    ]);
    // Global data has no failover machinery: it is written in the central unit, the first zone.
    assert.deepEqual([router.zone, router.global, router.controllerUrl], ['unit-b', { group: 'global', write: { via: 'node', host: t.ip('global-a') } }, `http://${t.ip('dal-controller')}:8083`]);
    for (const s of ['a', 'b', 'c']) {
      const idc = `idc-${s}`;
      assert.deepEqual(t.route(idc, 'global').write, dal(t.ip(`unit-${s}`)), `app-${idc} writes global data through unit-${s}`);
      assert.equal(t.route(idc, 'global').readHost, t.ip(`global-${s}`));
    }
    for (const s of ['b', 'c']) assert.deepEqual(t.route(`idc-${s}`, 'users').write, dal(t.ip(`unit-${s}`)), `app-idc-${s} writes users through unit-${s}`);
    assert.deepEqual([t.route('idc-b', 'users').readHost, t.route('idc-c', 'users').readHost], [t.ip('users-b'), t.ip('users-c')], 'a regional unit reads its own users node');
    // The central unit keeps no copy of the users to read: its clients use global data only.
    assert.deepEqual(t.agent('idc-a').groups.map((g) => g.group), ['global']);
  });
});
