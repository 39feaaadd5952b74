// Scenario -> the exact networks and containers to create. Pure: the same
// inputs always give the same plan, which `up`, `compose` and the tests share.
import type { Scenario } from '../scenario/scenario.js';
import { OWN_IMAGE } from '../scenario/scenario.js';
import { hadrillLabels, LABEL_KIND, LABEL_NODE, WAN } from './labels.js';
import type { AgentConfig, ManagerConfig } from './runtime-configs.js';
import { mysqlCommand, mysqlEnv, redisCommand, redisConf, SECRETS_DIR, secretFile, sentinelEnv, type ContainerFile } from './node-commands.js';

export type NodeKind = 'mysql' | 'redis' | 'sentinel' | 'manager' | 'agent' | 'router';

export interface NetworkPlan {
  idc: string;
  name: string;
  subnet: string;
  gateway: string;
  /** The router's address in this IDC: every other IDC is reached through it. */
  routerIp: string;
}

export interface ContainerPlan {
  name: string;
  node: string;
  kind: NodeKind;
  idc: string;
  image: string;
  /** Its address in its own IDC's network (the router: in the first IDC). */
  ip: string;
  networks: { network: string; ip: string }[];
  cmd: string[];
  env: Record<string, string>;
  /** Only the router: it forwards, filters and shapes traffic between IDCs. */
  capAdd: string[];
  /** Nodes cannot craft packets (NET_RAW) to get around the routes they are given. */
  capDrop: string[];
  sysctls: Record<string, string>;
  binds: string[];
  labels: Record<string, string>;
  /** Secrets and configs, put into the container before it starts (see node-commands.ts). */
  files: ContainerFile[];
  /** Whether hadrill's image runs it, so its entrypoint installs the routes between IDCs. */
  ownImage: boolean;
}

export interface Secrets {
  rootPassword: string;
  replPassword: string;
  appPassword: string;
  /** requirepass and masterauth of every Redis node. */
  redisPassword: string;
  /** The Sentinels' own requirepass. */
  sentinelPassword: string;
  /** Bearer token of the failover manager's HTTP endpoint. */
  managerToken: string;
}

export interface PlanInputs {
  /** The id of the HADRILL_HOME the run belongs to, carried by every resource's labels. */
  home: string;
  run: string;
  /** Second octet of the 10.X.0.0/16 block the IDC subnets come from. */
  subnetBlock: number;
  ownImageTag: string;
  secrets: Secrets;
  /** Host directory of the hadrill package, mounted read-only for agents and the manager. */
  packageDir: string;
  /** Host directory of this run's data (agent histories, manager events). */
  runDir: string;
}

export interface TopologyPlan {
  home: string;
  run: string;
  scenario: string;
  subnetBlock: number;
  networks: NetworkPlan[];
  containers: ContainerPlan[];
}

export const PORTS = { mysql: 3306, redis: 6379, sentinel: 26379, manager: 8080 } as const;
export const REDIS_MASTER_NAME = 'hadrill';
export const DATABASE = 'hadrill';
export const APP_USER = 'hadrill_app';
export const REPL_USER = 'hadrill_repl';

export const MANAGER_CONFIG_FILE = `${SECRETS_DIR}/manager.json`;
export const AGENT_CONFIG_FILE = `${SECRETS_DIR}/agent.json`;

const FIRST_HOST = 10;
const ROUTER_HOST = 254;

export function planTopology(scenario: Scenario, inputs: PlanInputs): TopologyPlan {
  const { run } = inputs;
  const owner = { home: inputs.home, run };
  const networks: NetworkPlan[] = scenario.idcs.map((idc, i) => {
    const prefix = `10.${inputs.subnetBlock}.${i + 1}`;
    return { idc: idc.name, name: `hadrill-${run}-${idc.name}`, subnet: `${prefix}.0/24`, gateway: `${prefix}.1`, routerIp: `${prefix}.${ROUTER_HOST}` };
  });
  const networkOf = (idc: string): NetworkPlan => networks.find((n) => n.idc === idc) as NetworkPlan;
  const nextHost = new Map<string, number>();
  const allocateIp = (idc: string): string => {
    const host = nextHost.get(idc) ?? FIRST_HOST;
    nextHost.set(idc, host + 1);
    return networkOf(idc).subnet.replace(/\.0\/24$/, `.${host}`);
  };
  // Every container reaches the other IDCs' subnets through the router's leg in its own IDC.
  const routesFrom = (idc: string): string =>
    networks
      .filter((n) => n.idc !== idc)
      .map((n) => `${n.subnet}=${networkOf(idc).routerIp}`)
      .join(',');

  const containers: ContainerPlan[] = [];
  const add = (kind: NodeKind, node: string, idc: string, image: string, cmd: string[], extra: Partial<ContainerPlan> = {}): ContainerPlan => {
    const ownImage = image === OWN_IMAGE;
    const ip = allocateIp(idc);
    const plan: ContainerPlan = {
      name: `hadrill-${run}-${node}`,
      node,
      kind,
      idc,
      image: ownImage ? inputs.ownImageTag : image,
      ip,
      networks: [{ network: networkOf(idc).name, ip }],
      cmd,
      capAdd: [],
      capDrop: ['NET_RAW'],
      sysctls: {},
      binds: [],
      labels: hadrillLabels(owner, scenario.name, idc, { [LABEL_NODE]: node, [LABEL_KIND]: kind }),
      files: [],
      ownImage,
      ...extra,
      env: { HADRILL_ROUTES: routesFrom(idc), ...extra.env },
    };
    containers.push(plan);
    return plan;
  };

  const { secrets } = inputs;
  const mysql = scenario.mysql;
  const mysqlNodes = mysql
    ? mysql.nodes.map((n, i) => {
        const own = mysql.image === OWN_IMAGE;
        return add('mysql', n.name, n.idc, mysql.image, mysqlCommand(mysql, i + 1, own), {
          env: mysqlEnv(mysql, own),
          files: [secretFile('db-root-password', secrets.rootPassword, own)],
        });
      })
    : [];
  const redis = scenario.redis;
  const redisNodes = redis
    ? redis.nodes.map((n) => ({
        spec: n,
        plan: add('redis', n.name, n.idc, redis.image, [], { files: [secretFile('redis.conf', redisConf(secrets.redisPassword), redis.image === OWN_IMAGE)] }),
      }))
    : [];
  const redisMaster = redisNodes.find((r) => r.spec.role === 'master');
  for (const r of redisNodes) r.plan.cmd = redisCommand(r.spec.role === 'master' ? null : (redisMaster?.plan.ip ?? null));
  const sentinels = redis
    ? redis.sentinels.map((s) =>
        add('sentinel', s.name, s.idc, OWN_IMAGE, ['hadrill-sentinel'], {
          env: sentinelEnv(redis, REDIS_MASTER_NAME, redisMaster?.plan.ip ?? ''),
          files: [secretFile('redis-password', secrets.redisPassword, true), secretFile('sentinel-password', secrets.sentinelPassword, true)],
        }),
      )
    : [];

  const mounts = (dataDir: string, target: string): string[] => [`${inputs.packageDir}:/opt/hadrill:ro`, `${inputs.runDir}/${dataDir}:${target}`];
  let manager: ContainerPlan | null = null;
  if (mysql) {
    const config: ManagerConfig = {
      nodes: mysqlNodes.map((p) => ({ name: p.node, host: p.ip, port: PORTS.mysql, idc: p.idc })),
      initialPrimary: mysql.nodes.find((n) => n.role === 'primary')?.name ?? '',
      adminUser: 'root',
      adminPassword: secrets.rootPassword,
      replUser: REPL_USER,
      replPassword: secrets.replPassword,
      token: secrets.managerToken,
      checkIntervalMs: mysql.manager.checkIntervalMs,
      failureThreshold: mysql.manager.failureThreshold,
      connectTimeoutMs: mysql.manager.connectTimeoutMs,
      listenPort: PORTS.manager,
      eventsFile: '/var/lib/hadrill/manager/events.jsonl',
      stateFile: '/var/lib/hadrill/manager/memory.json',
      flavor: mysql.flavor,
      semiSync: mysql.replication === 'semi-sync',
    };
    manager = add('manager', 'mysql-manager', mysql.manager.idc, OWN_IMAGE, ['node', '/opt/hadrill/dist/src/manager/main.js'], {
      binds: mounts('manager', '/var/lib/hadrill/manager'),
      env: { HADRILL_MANAGER_CONFIG_FILE: MANAGER_CONFIG_FILE },
      files: [secretFile('manager.json', JSON.stringify(config), true)],
    });
  }

  for (const client of scenario.workload.clients) {
    const workload = scenario.workload;
    const config: AgentConfig = {
      client: client.name,
      idc: client.idc,
      historyFile: `/var/lib/hadrill/history/${client.name}.jsonl`,
      opTimeoutMs: workload.opTimeoutMs,
      keys: workload.keys,
      mysql:
        mysql && manager && scenario.workload.mysqlWritesPerSecond > 0
          ? {
              managerUrl: `http://${manager.ip}:${PORTS.manager}/primary`,
              managerToken: secrets.managerToken,
              initialPrimary: mysqlNodes.find((p) => p.node === primaryNodeName(scenario))?.ip ?? '',
              port: PORTS.mysql,
              user: APP_USER,
              password: secrets.appPassword,
              database: DATABASE,
              writesPerSecond: workload.mysqlWritesPerSecond,
              ...localReads(mysql?.nodes.map((n, i) => ({ role: n.role, idc: n.idc, ip: mysqlNodes[i]!.ip })), client.idc, workload.mysqlReadsPerSecond),
            }
          : null,
      redis:
        redis && scenario.workload.redisWritesPerSecond > 0
          ? {
              sentinels: sentinels.map((s) => ({ host: s.ip, port: PORTS.sentinel })),
              masterName: REDIS_MASTER_NAME,
              password: secrets.redisPassword,
              sentinelPassword: secrets.sentinelPassword,
              writesPerSecond: workload.redisWritesPerSecond,
              ...localReads(redisNodes.map((r) => ({ role: r.spec.role, idc: r.spec.idc, ip: r.plan.ip })), client.idc, workload.redisReadsPerSecond),
            }
          : null,
    };
    add('agent', client.name, client.idc, OWN_IMAGE, ['node', '/opt/hadrill/dist/src/agent/main.js'], {
      binds: mounts('history', '/var/lib/hadrill/history'),
      env: { HADRILL_AGENT_CONFIG_FILE: AGENT_CONFIG_FILE },
      files: [secretFile('agent.json', JSON.stringify(config), true)],
    });
  }

  // The router stands for the WAN: one leg in every IDC, forwarding between them.
  containers.push({
    name: `hadrill-${run}-router`,
    node: 'router',
    kind: 'router',
    idc: WAN,
    image: inputs.ownImageTag,
    ip: networks[0]?.routerIp ?? '',
    networks: networks.map((n) => ({ network: n.name, ip: n.routerIp })),
    cmd: ['sleep', 'infinity'],
    env: {},
    // The one container with NET_ADMIN: it forwards between IDCs, holds the fault rules and shapes the links.
    capAdd: ['NET_ADMIN'],
    capDrop: [],
    // rp_filter off: packets the WAN emulator writes back arrive on its TUN device, not on the leg they came from.
    sysctls: { 'net.ipv4.ip_forward': '1', 'net.ipv4.conf.all.send_redirects': '0', 'net.ipv4.conf.all.rp_filter': '0', 'net.ipv4.conf.default.rp_filter': '0' },
    binds: [],
    labels: hadrillLabels(owner, scenario.name, WAN, { [LABEL_NODE]: 'router', [LABEL_KIND]: 'router' }),
    files: [],
    ownImage: true,
  });

  return { home: inputs.home, run, scenario: scenario.name, subnetBlock: inputs.subnetBlock, networks, containers };
}

function primaryNodeName(scenario: Scenario): string {
  return scenario.mysql?.nodes.find((n) => n.role === 'primary')?.name ?? '';
}

/**
 * A client reads from the service's node in its own IDC (a replica when the
 * IDC has several), as an application reading locally does; a client in an
 * IDC without one does not read.
 */
function localReads(
  nodes: { role: string; idc: string; ip: string }[] | undefined,
  idc: string,
  readsPerSecond: number,
): { readHost: string | null; readsPerSecond: number } {
  const local = (nodes ?? []).filter((n) => n.idc === idc);
  const node = local.find((n) => n.role === 'replica') ?? local[0];
  return node && readsPerSecond > 0 ? { readHost: node.ip, readsPerSecond } : { readHost: null, readsPerSecond: 0 };
}
