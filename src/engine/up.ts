// `hadrill up`: networks, router, the datastore groups (each brought up by
// its kind: replication, then its failover machinery) and the workload
// agents, each phase waited for. Running it again on a run that is up
// creates nothing twice.
import { randomBytes } from 'node:crypto';
import { newSshKeyPair } from './ssh-key.js';
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
import { isDatastoreNode, missingMachinery, PLANNERS } from '../datastores/registry.js';
import { liveGroups } from './groups.js';
import { waitForRouter } from './dal.js';
import { routerSetupCommands } from '../core/router/filter-rules.js';
import { installRoutes } from './routes.js';
import { homeId } from './home-id.js';
import { requireNamesFree, runLabels } from './ownership.js';
import { loadRunState, runDir, saveRunState, type RunState } from './run-store.js';
import { renewLease } from './lease.js';
import { mustExec, setUpWan } from './wan.js';
import { attachedSecrets, proxiedServerIds, resolveAttach } from './attach.js';

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
  requireDrillable(scenario);
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
  const secrets = previous?.secrets ?? newSecrets(Boolean(scenario.attach));
  const state: RunState = previous ?? (scenario.attach ? await newAttachedState(scenario, { home, run }, options, secrets) : {
    run,
    scenario,
    plan: await newPlan(scenario, { home, run }, options, secrets),
    secrets,
    createdAt: new Date().toISOString(),
  });
  // Never adopt: a container or network name held by another home's run (or by anything else) stops here.
  await requireNamesFree(runtime, state.plan);
  // The TTL given now rules the lease, also for a run that is already up (`up --ttl` again).
  if (previous) state.scenario = { ...state.scenario, workload: { ...state.scenario.workload, ttlMs: scenario.workload.ttlMs } };
  saveRunState(state);
  // Before the agents start: they write for the run's TTL from now, and pause unless something drives the run.
  renewLease(state);

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
  const { plan } = state;
  const existing = new Map((await runtime.list(runLabels(plan))).map((c) => [c.name, c]));
  const byKind = (kind: ContainerPlan['kind']): ContainerPlan[] => plan.containers.filter((c) => c.kind === kind);
  if (state.attach) return bringUpAttached(state, options, existing, byKind('agent'));

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

  const nodes = plan.containers.filter(isDatastoreNode);
  await phase(emit, 'nodes', `Starting ${nodes.length} datastore nodes of ${state.scenario.groups.length} ${state.scenario.groups.length === 1 ? 'group' : 'groups'}`, async () => {
    await Promise.all(nodes.map((c) => ensureContainer(runtime, c, existing, plan)));
  });
  for (const { engine, ctx } of liveGroups(state, emit, signal)) {
    await engine.bootstrap(ctx, async (machinery) => {
      await Promise.all(machinery.map((c) => ensureContainer(runtime, c, existing, plan)));
    });
  }

  const dal = [...byKind('dal-controller'), ...byKind('dal')];
  if (dal.length > 0) {
    await phase(emit, 'dal', `Starting the data access layer: ${byKind('dal').length} zone routers and their controller`, async () => {
      await Promise.all(dal.map((c) => ensureContainer(runtime, c, existing, plan)));
      await Promise.all(byKind('dal').map((c) => waitForRouter(c, state.secrets.managerToken, signal)));
    });
  }

  const agents = byKind('agent');
  await phase(emit, 'agents', `Starting ${agents.length} workload agents`, async () => {
    await Promise.all(agents.map((c) => ensureContainer(runtime, c, existing, plan)));
  });
}

/** An attached run: the user's groups checked and given hadrill's workload schema, then hadrill's agents on the user's network. */
async function bringUpAttached(state: RunState, options: UpOptions, existing: Map<string, ContainerInfo>, agents: ContainerPlan[]): Promise<void> {
  const { runtime, emit, signal } = options;
  for (const { engine, ctx, group } of liveGroups(state, emit, signal)) {
    if (!engine.prepareAttached) throw new HadrillError('usage', `Group ${group.name}: ${group.kind} groups cannot be attached yet.`);
    await phase(emit, `${group.name}-attach`, `${group.name}: checking your ${group.kind} nodes and adding hadrill's workload schema`, () => engine.prepareAttached!(ctx));
  }
  const network = state.attach!.network;
  await phase(emit, 'agents', `Starting ${agents.length} workload agents on ${network}`, async () => {
    for (const c of agents) await ensureContainer(runtime, c, existing, state.plan);
    // Their addresses, which the user's network picked: a container that loses power gets its own back (see powerOn).
    const live = new Map((await runtime.list(runLabels(state.plan))).map((c) => [c.name, c.ips[network] ?? '']));
    for (const c of agents) c.ip = live.get(c.name) ?? '';
    saveRunState(state);
  });
}

async function newAttachedState(scenario: Scenario, owner: { home: string; run: string }, options: UpOptions, secrets: Secrets): Promise<RunState> {
  const found = await resolveAttach(scenario, options.runtime);
  const groupSecrets = attachedSecrets(scenario, secrets);
  const resolved = { ...found, serverIds: await proxiedServerIds(scenario, found, groupSecrets) };
  const plan = planTopology(
    scenario,
    { ...owner, subnetBlock: 0, ownImageTag: options.ownImageTag, secrets, packageDir: packageRoot(), runDir: runDir(owner.run), attach: resolved, groupSecrets },
    PLANNERS,
  );
  return { run: owner.run, scenario, plan, secrets, groupSecrets, attach: resolved, createdAt: new Date().toISOString() };
}

/** Refuses, before anything is created, a scenario whose groups this hadrill cannot yet bring up, naming what is missing. */
export function requireDrillable(scenario: Scenario): void {
  const missing = missingMachinery(scenario.groups, scenario.dal);
  if (missing === null) return;
  throw new HadrillError('usage', `Scenario ${scenario.name} (${scenario.tier}) cannot be drilled by this hadrill yet: ${missing}.`, {
    hint: '`hadrill validate` and `hadrill compose` work for it; `hadrill up` and `hadrill drill` need what is named above.',
  });
}

/** Creates the container if it does not exist, starts it if it is stopped, and gives a started one its routes. */
async function ensureContainer(runtime: ContainerRuntime, container: ContainerPlan, existing: Map<string, ContainerInfo>, plan: TopologyPlan): Promise<void> {
  const found = existing.get(container.name);
  if (found?.state === 'paused') await runtime.unpause(container.name);
  if (found?.state === 'running' || found?.state === 'paused') return;
  if (found) await runtime.start(container.name);
  else await runtime.run(container);
  // On a user's network (an attached run) there is no router of hadrill's to route through.
  if (plan.networks.length > 0) await installRoutes(runtime, container, plan);
}

async function requireImages(options: UpOptions): Promise<void> {
  const images = new Set([options.ownImageTag, ...options.scenario.groups.map((g) => g.image)].filter((i): i is string => !!i && i !== 'hadrill'));
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
  return planTopology(
    scenario,
    {
      home,
      run,
      subnetBlock: block,
      ownImageTag: options.ownImageTag,
      secrets,
      packageDir: packageRoot(),
      // Only the path: nothing is created before the names are known to be free.
      runDir: runDir(run),
    },
    PLANNERS,
  );
}

/** An attached run's Redis nodes are the user's: no workload user of hadrill's is created on them. */
function newSecrets(attached: boolean): Secrets {
  const secret = (): string => randomBytes(12).toString('base64url');
  return {
    rootPassword: secret(),
    replPassword: secret(),
    appPassword: secret(),
    redisPassword: secret(),
    ...(attached ? {} : { redisAppPassword: secret() }),
    sentinelPassword: secret(),
    managerToken: randomBytes(24).toString('base64url'),
    sshKey: newSshKeyPair('hadrill-run'),
  };
}

