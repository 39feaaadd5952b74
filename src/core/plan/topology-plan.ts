// Scenario -> the exact networks and containers to create. Pure: the same
// inputs always give the same plan, which `up`, `compose` and the tests share.
import { HadrillError } from '../errors.js';
import type { GroupKind, Scenario } from '../scenario/scenario.js';
import { OWN_IMAGE, sendsWrites } from '../scenario/scenario.js';
import { programConfig, type ContainerFile } from './container-files.js';
import type { PlanContext, PlannedGroup, Planners } from './group-planner.js';
import { hadrillLabels, LABEL_GROUP, LABEL_KIND, LABEL_NODE, WAN } from './labels.js';
import { capacityProblem, containersPerIdc, FIRST_HOST, ROUTER_HOST } from './placement.js';
import type { AgentConfig } from './runtime-configs.js';
import type { AttachedContainer } from '../attach/select.js';
import { PACKAGE_MOUNT, programCommand } from './programs.js';
import { limitsFor, type ContainerLimits } from './container-limits.js';

/**
 * What a container is. Datastore nodes by kind (mysql, galera, redis); the
 * failover machinery (manager, MHA, sentinel, and the cold backup's restore
 * manager and storage); the data access layer; the proxies of proxy routes;
 * workload agents; the router.
 */
export type NodeKind = GroupKind | MachineryKind;

/** The containers that are not a group's datastore nodes: failover machinery, the data access layer, agents, the router. */
export type MachineryKind = 'sentinel' | 'manager' | 'mha' | 'restore' | 'storage' | 'dal' | 'dal-controller' | 'proxy' | 'agent' | 'router';

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
  /** The datastore group it belongs to (a node, or its machinery); null for agents, the router and the data access layer. */
  group: string | null;
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
  /** Its memory and process ceilings (see container-limits.ts). */
  limits: ContainerLimits;
  /** Secrets and configs, put into the container before it starts (see node-commands.ts). */
  files: ContainerFile[];
  /** Whether hadrill's image runs it, so its entrypoint installs the routes between IDCs. */
  ownImage: boolean;
  /**
   * A container of an attached scenario that hadrill did not create (named
   * as the engine names it): never created, changed or removed, only acted
   * on by the faults the scenario asks for.
   */
  foreign?: true;
}

export interface Secrets {
  rootPassword: string;
  /** The administrator hadrill reads MySQL nodes as: root, unless an attached group names its own. */
  mysqlAdminUser?: string;
  replPassword: string;
  appPassword: string;
  /** requirepass and masterauth of every Redis node. */
  redisPassword: string;
  /** The workload's own Redis user's password (src/core/redis-acl.ts); runs made before it, and attached groups, have none. */
  redisAppPassword?: string;
  /** The Sentinels' own requirepass. */
  sentinelPassword: string;
  /** Bearer token of the failover manager's HTTP endpoint. */
  managerToken: string;
  /** The run's SSH key pair, for machinery that drives the nodes over SSH (MHA); runs made before it have none. */
  sshKey?: { privatePem: string; publicLine: string };
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
  /** An attached scenario: the containers its nodes are, and the network they share, which the agents join. */
  attach?: { network: string; containers: Record<string, AttachedContainer>; serverIds?: Record<string, number> };
  /** An attached group's own credentials over the run's secrets, by group. */
  groupSecrets?: Record<string, Secrets>;
}

export interface TopologyPlan {
  home: string;
  run: string;
  scenario: string;
  subnetBlock: number;
  networks: NetworkPlan[];
  containers: ContainerPlan[];
}

export const PORTS = { mysql: 3306, redis: 6379, sentinel: 26379, manager: 8080, control: 8081, storage: 8082, dal: 8083 } as const;
export const REDIS_MASTER_NAME = 'hadrill';
export const DATABASE = 'hadrill';
export const APP_USER = 'hadrill_app';
export const REPL_USER = 'hadrill_repl';

export function planTopology(scenario: Scenario, inputs: PlanInputs, planners: Planners): TopologyPlan {
  const { run } = inputs;
  // The parser refuses such a scenario; one built in code meets the same limit here, before any address is given.
  for (const [idc, count] of containersPerIdc(scenario)) {
    const problem = capacityProblem(idc, count);
    if (problem) throw new HadrillError('config', `scenario ${scenario.name}: ${problem}`);
  }
  const owner = { home: inputs.home, run };
  const networks: NetworkPlan[] = scenario.idcs.map((idc, i) => {
    const prefix = `10.${inputs.subnetBlock}.${i + 1}`;
    return { idc: idc.name, name: `hadrill-${run}-${idc.name}`, subnet: `${prefix}.0/24`, gateway: `${prefix}.1`, routerIp: `${prefix}.${ROUTER_HOST}` };
  });
  const networkOf = (idc: string): NetworkPlan => networks.find((n) => n.idc === idc) as NetworkPlan;
  const nextHost = new Map<string, number>();
  const allocateIp = (idc: string): string => {
    const host = nextHost.get(idc) ?? FIRST_HOST;
    // An internal assertion: placement.ts counted fewer containers than the planners place.
    if (host >= ROUTER_HOST) throw new Error(`planner bug: IDC ${idc} has no address left for another container (the router is .${ROUTER_HOST})`);
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
  let group: string | null = null;
  const ctx: PlanContext = {
    scenario,
    inputs,
    add(kind, node, idc, image, cmd, extra = {}) {
      const attached = inputs.attach;
      if (attached) {
        const plan = attachedPlan({ kind, node, idc, group, cmd }, attached, owner, scenario.name, inputs.ownImageTag, extra);
        containers.push(plan);
        return plan;
      }
      const ownImage = image === OWN_IMAGE;
      const ip = allocateIp(idc);
      const plan: ContainerPlan = {
        name: `hadrill-${run}-${node}`,
        node,
        kind,
        group,
        idc,
        image: ownImage ? inputs.ownImageTag : image,
        ip,
        networks: [{ network: networkOf(idc).name, ip }],
        cmd,
        capAdd: [],
        capDrop: ['NET_RAW'],
        sysctls: {},
        binds: [],
        limits: limitsFor(kind),
        labels: hadrillLabels(owner, scenario.name, idc, { [LABEL_NODE]: node, [LABEL_KIND]: kind, ...(group === null ? {} : { [LABEL_GROUP]: group }) }),
        files: [],
        ownImage,
        ...extra,
        env: { HADRILL_ROUTES: routesFrom(idc), ...extra.env },
      };
      containers.push(plan);
      return plan;
    },
    mounts: (dataDir, target) => [`${inputs.packageDir}:${PACKAGE_MOUNT}:ro`, `${inputs.runDir}/${dataDir}:${target}`],
    cityOf: (idc) => scenario.idcs.find((i) => i.name === idc)?.city ?? idc,
    dalIn: (idc) => containers.find((c) => c.kind === 'dal' && c.idc === idc) ?? null,
  };

  const planned: PlannedGroup[] = [];
  for (const g of scenario.groups) {
    group = g.name;
    const planner = planners.groups[g.kind];
    if (!planner) throw new Error(`no planner for datastore kind "${g.kind}"`);
    const secrets = inputs.groupSecrets?.[g.name];
    planned.push(planner.plan(g, secrets ? { ...ctx, inputs: { ...inputs, secrets } } : ctx));
  }
  group = null;
  if (scenario.dal) planners.dal.plan(scenario.dal, ctx, planned);

  for (const client of scenario.workload.clients) {
    const workload = scenario.workload;
    const config: AgentConfig = {
      client: client.name,
      idc: client.idc,
      historyFile: `/var/lib/hadrill/history/${client.name}.jsonl`,
      opTimeoutMs: workload.opTimeoutMs,
      ttlMs: workload.ttlMs,
      keys: workload.keys,
      users: workload.users,
      groups: workload.groups
        .filter((w) => w.from.includes(client.idc) && (sendsWrites(w.writesPerSecond) || w.readsPerSecond > 0))
        .map((w) => planned.find((p) => p.group.name === w.group)!.clientConfig(client, w))
        // Sharded data is written for users: each write picks a user, whose key it sets.
        .map((g) => (g.group === scenario.dal?.shardedGroup ? { ...g, keys: workload.users } : g)),
    };
    ctx.add('agent', client.name, client.idc, OWN_IMAGE, programCommand('agent'), {
      binds: ctx.mounts('history', '/var/lib/hadrill/history'),
      ...programConfig('agent.json', config),
    });
  }

  // An attached scenario's IDCs are names only: no networks or router of hadrill's between them.
  if (inputs.attach) return { home: inputs.home, run, scenario: scenario.name, subnetBlock: inputs.subnetBlock, networks: [], containers };

  // The router stands for the WAN: one leg in every IDC, forwarding between them.
  containers.push({
    name: `hadrill-${run}-router`,
    node: 'router',
    kind: 'router',
    group: null,
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
    limits: limitsFor('router'),
    labels: hadrillLabels(owner, scenario.name, WAN, { [LABEL_NODE]: 'router', [LABEL_KIND]: 'router' }),
    files: [],
    ownImage: true,
  });

  return { home: inputs.home, run, scenario: scenario.name, subnetBlock: inputs.subnetBlock, networks, containers };
}

/**
 * The group's node a client reads from: the one in its own IDC (a replica
 * when the IDC has several), as an application reading locally does; none
 * when the IDC has no node of the group. `writer` reads go to the writer's node.
 */
export function readHostFor(nodes: readonly ContainerPlan[], roles: ReadonlyMap<string, string>, idc: string, route: 'local' | 'writer' | 'none', writerHost: string | null): string | null {
  if (route === 'none') return null;
  if (route === 'writer') return writerHost;
  const local = nodes.filter((n) => n.idc === idc && roles.get(n.node) !== 'standby');
  return (local.find((n) => roles.get(n.node) === 'replica') ?? local[0])?.ip ?? null;
}

/**
 * A container of an attached scenario: a node is the user's own container,
 * as found; anything else (a workload agent) is hadrill's, on the user's
 * network with an address its allocator picks, and no routes to install.
 */
function attachedPlan(
  { kind, node, idc, group, cmd }: { kind: NodeKind; node: string; idc: string; group: string | null; cmd: string[] },
  attached: NonNullable<PlanInputs['attach']>,
  owner: { home: string; run: string },
  scenario: string,
  ownImageTag: string,
  extra: Partial<ContainerPlan>,
): ContainerPlan {
  const found = attached.containers[node];
  const base = { node, kind, group, idc, capAdd: [], capDrop: ['NET_RAW'], sysctls: {}, files: [] as ContainerFile[], limits: limitsFor(kind) };
  if (found) return { ...base, name: found.name, image: found.image, ip: found.ip, networks: [], cmd: [], env: {}, binds: [], labels: {}, ownImage: false, foreign: true };
  // An internal assertion: the parser names a container for every node and Sentinel, so only agents are left to create.
  if (kind !== 'agent') throw new Error(`planner bug: an attached scenario has no container for ${kind} ${node}`);
  return {
    ...base,
    name: `hadrill-${owner.run}-${node}`,
    image: ownImageTag,
    ip: '',
    networks: [{ network: attached.network, ip: '' }],
    cmd,
    binds: [],
    labels: hadrillLabels(owner, scenario, idc, { [LABEL_NODE]: node, [LABEL_KIND]: kind }),
    ownImage: true,
    ...extra,
    env: { ...extra.env },
  };
}
