// `hadrill up`: networks, router, datastores, replication, Sentinels, the
// failover manager and the workload agents, each phase waited for. Running it
// again on a run that is up creates nothing twice.
import { randomBytes } from 'node:crypto';
import { networkInterfaces } from 'node:os';
import { HadrillError } from '../core/errors.js';
import { phase, type EventSink } from '../core/engine-events.js';
import { planTopology, type ContainerPlan, type Secrets, type TopologyPlan } from '../core/plan/topology-plan.js';
import type { Scenario } from '../core/scenario/scenario.js';
import { pickSubnetBlock } from '../core/subnet-picker.js';
import { waitFor } from '../core/wait.js';
import { packageRoot } from '../package-paths.js';
import type { ContainerInfo, ContainerRuntime } from '../runtime/container-runtime.js';
import { CleanupStack } from './cleanup-stack.js';
import { removeRun } from './down.js';
import { semiSyncSourceSql } from '../core/mysql/replication-sql.js';
import { bootstrapPrimary, configureReplica, hasWritesTable, nodeStatus, withMysql } from './mysql-control.js';
import { redisRole, sentinelView } from './redis-control.js';
import { routerSetupCommands } from '../core/router/filter-rules.js';
import { installRoutes } from './routes.js';
import { homeId } from './home-id.js';
import { requireNamesFree, runLabels } from './ownership.js';
import { loadRunState, runDir, saveRunState, type RunState } from './run-store.js';
import { mustExec, setUpWan } from './wan.js';

export interface UpOptions {
  scenario: Scenario;
  runtime: ContainerRuntime;
  ownImageTag: string;
  run?: string;
  emit: EventSink;
  /** Leave what was created in place when `up` fails (for debugging). */
  keepOnFailure?: boolean;
  /** An interrupted drill: every wait stops at once. */
  signal?: AbortSignal;
}

const READY_TIMEOUT_MS = 90_000;

export async function up(options: UpOptions): Promise<RunState> {
  const { scenario, runtime, emit } = options;
  const run = options.run ?? scenario.name;
  await requireImages(options);

  const home = homeId();
  const previous = loadRunState(run);
  if (previous && previous.scenario.name !== scenario.name) {
    throw new HadrillError('usage', `Run "${run}" is already up with scenario "${previous.scenario.name}".`, {
      hint: `Take it down first (\`hadrill down --run ${run}\`) or choose another run name with --run.`,
    });
  }
  if (!previous && (await runtime.list(runLabels({ home, run }))).length > 0) {
    throw new HadrillError('usage', `Run "${run}" has containers on this engine but no state in this HADRILL_HOME.`, {
      hint: `Remove them with \`hadrill down --run ${run}\`, or choose another run name with --run.`,
    });
  }
  const secrets = previous?.secrets ?? newSecrets();
  const state: RunState = previous ?? {
    run,
    scenario,
    plan: await newPlan(scenario, { home, run }, options, secrets),
    secrets,
    createdAt: new Date().toISOString(),
  };
  // Never adopt: a container or network name held by another home's run (or by anything else) stops here.
  await requireNamesFree(runtime, state.plan);
  saveRunState(state);

  const cleanup = new CleanupStack();
  cleanup.push(`remove run ${run}`, async () => {
    await removeRun(runtime, { home, run }, emit);
  });
  try {
    await bringUp(state, options);
    return state;
  } catch (error) {
    if (!options.keepOnFailure && !previous) {
      emit({ type: 'warn', text: `up failed; removing what it created for run ${run}` });
      await cleanup.run();
    }
    throw error;
  }
}

async function bringUp(state: RunState, options: UpOptions): Promise<void> {
  const { runtime, emit, signal } = options;
  const { plan, secrets } = state;
  const existing = new Map((await runtime.list(runLabels(plan))).map((c) => [c.name, c]));
  const byKind = (kind: ContainerPlan['kind']): ContainerPlan[] => plan.containers.filter((c) => c.kind === kind);

  await phase(emit, 'networks', `Creating ${plan.networks.length} IDC networks and the WAN router`, async () => {
    const networks = new Set((await runtime.listNetworks(runLabels(plan))).map((n) => n.name));
    for (const n of plan.networks) {
      if (networks.has(n.name)) continue;
      const labels = plan.containers.find((c) => c.idc === n.idc)?.labels ?? {};
      await runtime.createNetwork({ name: n.name, subnet: n.subnet, gateway: n.gateway, labels: { ...labels, 'dev.hadrill.node': `network-${n.idc}` } });
    }
    const router = byKind('router')[0];
    if (router) {
      await ensureContainer(runtime, router, existing, plan);
      for (const cmd of routerSetupCommands()) await mustExec(runtime, router.name, cmd, "set up the router's filter chain and routes");
    }
  });
  state.wan = await phase(emit, 'wan', 'Shaping the links between IDCs (baseline latency)', () => setUpWan(state, runtime), (wan) => `Links between IDCs shaped with ${wan?.mechanism === 'netem' ? 'tc netem' : 'the userspace WAN emulator (no netem in this kernel)'}`);
  saveRunState(state);

  const datastores = [...byKind('mysql'), ...byKind('redis'), ...byKind('sentinel')];
  await phase(emit, 'nodes', `Starting ${datastores.length} datastore nodes and Sentinels`, async () => {
    await Promise.all(datastores.map((c) => ensureContainer(runtime, c, existing, plan)));
  });

  const mysqlNodes = byKind('mysql');
  if (mysqlNodes.length > 0 && state.scenario.mysql) {
    const mysqlService = state.scenario.mysql;
    const primary = mysqlNodes.find((c) => mysqlService.nodes.find((n) => n.name === c.node)?.role === 'primary') as ContainerPlan;
    const replicas = mysqlNodes.filter((c) => c !== primary);
    await phase(emit, 'mysql', `Setting up ${mysqlService.replication} GTID replication ${primary.node} -> ${replicas.map((r) => r.node).join(', ') || '(none)'}`, async () => {
      await Promise.all(mysqlNodes.map((c) => waitFor(`MySQL on ${c.node}`, () => withMysql(c.ip, secrets, async () => true), { timeoutMs: READY_TIMEOUT_MS, signal })));
      await withMysql(primary.ip, secrets, (c) => bootstrapPrimary(c, secrets));
      for (const replica of replicas) {
        await withMysql(replica.ip, secrets, async (c) => {
          const status = await nodeStatus(c, mysqlService.flavor);
          if (!status.replica) await configureReplica(c, mysqlService.flavor, primary.ip, secrets);
        });
      }
      for (const replica of replicas) {
        await waitFor(`replication to ${replica.node}`, () => withMysql(replica.ip, secrets, async (c) => ((await nodeStatus(c, mysqlService.flavor)).replica?.ioRunning && (await hasWritesTable(c)) ? true : undefined)), {
          timeoutMs: READY_TIMEOUT_MS, signal,
        });
      }
      if (mysqlService.replication === 'semi-sync' && replicas.length > 0) {
        await withMysql(primary.ip, secrets, (c) => c.query(semiSyncSourceSql(mysqlService.flavor, true)));
        await waitFor(`a semi-sync replica to connect to ${primary.node}`, () => withMysql(primary.ip, secrets, async (c) => ((await nodeStatus(c, mysqlService.flavor)).semiSyncClients ?? 0) > 0 || undefined), {
          timeoutMs: READY_TIMEOUT_MS, signal,
        });
      }
    });
    const manager = byKind('manager')[0];
    if (manager) {
      await phase(emit, 'manager', `Starting the failover manager in ${manager.idc}`, async () => {
        await ensureContainer(runtime, manager, existing, plan);
        await waitFor(`the manager to open ${primary.node} for writes`, () => withMysql(primary.ip, secrets, async (c) => ((await nodeStatus(c, mysqlService.flavor)).readOnly ? undefined : true)), {
          timeoutMs: READY_TIMEOUT_MS, signal,
        });
      });
    }
  }

  const redisNodes = byKind('redis');
  if (redisNodes.length > 0 && state.scenario.redis) {
    const redisService = state.scenario.redis;
    const master = redisNodes.find((c) => redisService.nodes.find((n) => n.name === c.node)?.role === 'master') as ContainerPlan;
    const sentinels = byKind('sentinel');
    await phase(emit, 'redis', `Waiting for Redis replication and ${sentinels.length} Sentinels to agree on ${master.node}`, async () => {
      for (const node of redisNodes.filter((c) => c !== master)) {
        await waitFor(`Redis replica ${node.node} to sync`, async () => ((await redisRole(node.ip, secrets)).linkUp ? true : undefined), { timeoutMs: READY_TIMEOUT_MS, signal });
      }
      for (const s of sentinels) {
        await waitFor(`Sentinel ${s.node} to see the master and the other Sentinels`, async () => {
          const view = await sentinelView(s.ip, secrets);
          return view.master !== null && view.otherSentinels >= sentinels.length - 1 ? true : undefined;
        }, { timeoutMs: READY_TIMEOUT_MS, signal });
      }
    });
  }

  const agents = byKind('agent');
  await phase(emit, 'agents', `Starting ${agents.length} workload agents`, async () => {
    await Promise.all(agents.map((c) => ensureContainer(runtime, c, existing, plan)));
  });
}

/** Creates the container if it does not exist, starts it if it is stopped, and gives a started one its routes. */
async function ensureContainer(runtime: ContainerRuntime, container: ContainerPlan, existing: Map<string, ContainerInfo>, plan: TopologyPlan): Promise<void> {
  const found = existing.get(container.name);
  if (found?.state === 'paused') await runtime.unpause(container.name);
  if (found?.state === 'running' || found?.state === 'paused') return;
  if (found) await runtime.start(container.name);
  else await runtime.run(container);
  await installRoutes(runtime, container, plan);
}

async function requireImages(options: UpOptions): Promise<void> {
  const images = new Set([options.ownImageTag, options.scenario.mysql?.image, options.scenario.redis?.image].filter((i): i is string => !!i && i !== 'hadrill'));
  for (const image of images) {
    if (!(await options.runtime.imageExists(image))) {
      throw new HadrillError('environment', `The image ${image} is not in Docker.`, {
        hint: image === options.ownImageTag ? 'Build it with `hadrill images build` (or `hadrill doctor --fix`).' : `Pull it first: \`docker pull ${image}\`.`,
      });
    }
  }
}

async function newPlan(scenario: Scenario, { home, run }: { home: string; run: string }, options: UpOptions, secrets: Secrets): Promise<TopologyPlan> {
  const used = [
    ...(await options.runtime.listNetworks()).flatMap((n) => n.subnets),
    ...Object.values(networkInterfaces()).flatMap((list) => (list ?? []).filter((a) => a.family === 'IPv4').map((a) => a.cidr ?? a.address)),
  ];
  const block = pickSubnetBlock(run, used);
  if (block === null) throw new HadrillError('environment', 'No free 10.X.0.0/16 block between 10.160 and 10.239 for the IDC networks.', { hint: 'Remove unused Docker networks (`docker network prune`).' });
  return planTopology(scenario, {
    home,
    run,
    subnetBlock: block,
    ownImageTag: options.ownImageTag,
    secrets,
    packageDir: packageRoot(),
    // Only the path: nothing is created before the names are known to be free.
    runDir: runDir(run),
  });
}

function newSecrets(): Secrets {
  const secret = (): string => randomBytes(12).toString('base64url');
  return { rootPassword: secret(), replPassword: secret(), appPassword: secret(), redisPassword: secret(), sentinelPassword: secret(), managerToken: randomBytes(24).toString('base64url') };
}

