// A run's WAN laid out in a User-Mode Linux guest, exactly as Docker lays it
// out: the planner's plan for a scenario, a network namespace per IDC holding
// a host at the plan's address, and one namespace for the router with a leg
// (`.254`) in every IDC and the router container's sysctls. Every namespace
// runs hadrill's container entrypoint, as every container does at start
// (routes to the other IDCs from HADRILL_ROUTES, segmentation offload off). The engine's own functions then set up the WAN
// (mechanism probe, legs, baseline) and apply and heal faults, through a
// runtime whose exec runs in these namespaces.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KIND_MODELS, PLANNERS } from '../../src/datastores/registry.js';
import { planTopology, type TopologyPlan } from '../../src/core/plan/topology-plan.js';
import { routerSetupCommands } from '../../src/core/router/filter-rules.js';
import { parseScenario } from '../../src/core/scenario/parse-scenario.js';
import { shellQuote } from '../../src/core/shell-quote.js';
import { pickSubnetBlock } from '../../src/core/subnet-picker.js';
import { applyFault, healFaults } from '../../src/engine/faults.js';
import { ensureRunDirs, type RunState } from '../../src/engine/run-store.js';
import { mustExec, routerOf, scenarioBaseline, setUpWan } from '../../src/engine/wan.js';
import { ROOT } from './hadrill-cli.js';
import type { UmlGuest } from './uml-guest.js';
import { UmlNamespaces } from './uml-runtime.js';
import { labHosts, type LabHost, type WanLab } from './wan-lab.js';

const ROUTER_NS = 'router';
const ENTRYPOINT = join(ROOT, 'images', 'hadrill-entrypoint');

/** The shell script that lays the plan's networks out as namespaces joined by veth pairs. */
export function layoutScript(plan: TopologyPlan, hosts: LabHost[]): string {
  const router = plan.containers.find((c) => c.kind === 'router');
  assert.ok(router, 'the plan has a router');
  const lines = ['set -e', `ip netns add ${ROUTER_NS}`, `ip -n ${ROUTER_NS} link set lo up`];
  // Before the legs exist, so they inherit the "default" settings too.
  for (const [key, value] of Object.entries(router.sysctls)) lines.push(`ip netns exec ${ROUTER_NS} sh -c ${shellQuote(`echo ${value} > /proc/sys/${key.replaceAll('.', '/')}`)}`);
  plan.networks.forEach((n, i) => {
    const host = hosts.find((h) => h.idc === n.idc);
    assert.ok(host, `a host in ${n.idc}`);
    const prefix = n.subnet.split('/')[1];
    const leg = `eth${i}`;
    lines.push(
      `ip netns add ${n.idc}`,
      `ip link add ${leg} netns ${ROUTER_NS} type veth peer name eth0 netns ${n.idc}`,
      `ip -n ${ROUTER_NS} addr add ${n.routerIp}/${prefix} dev ${leg}`,
      `ip -n ${ROUTER_NS} link set ${leg} up`,
      `ip -n ${n.idc} addr add ${host.ip}/${prefix} dev eth0`,
      `ip -n ${n.idc} link set eth0 up`,
      `ip -n ${n.idc} link set lo up`,
      // What every hadrill container runs at start: its routes to the other IDCs, offloads off.
      `ip netns exec ${n.idc} env HADRILL_ROUTES=${shellQuote(host.container.env['HADRILL_ROUTES'] ?? '')} ${ENTRYPOINT} true`,
    );
  });
  lines.push(`ip netns exec ${ROUTER_NS} ${ENTRYPOINT} true`);
  return lines.join('\n');
}

/** Everything that shapes or filters in the router, as text. */
const ROUTER_STATE = 'tc qdisc show; for d in $(ls /sys/class/net); do echo "== $d"; tc class show dev "$d"; tc filter show dev "$d"; done; iptables -S; ip rule show';

export interface UmlWanLab extends WanLab {
  runtime: UmlNamespaces;
  state: RunState;
}

/** Plans the scenario, lays it out in the guest and sets its WAN up with the engine. HADRILL_HOME must point at a temp dir. */
export async function umlWanLab(guest: UmlGuest, scenarioFile: string): Promise<UmlWanLab> {
  const run = 'uml-netem';
  const scenario = parseScenario(readFileSync(join(ROOT, scenarioFile), 'utf8'), scenarioFile, KIND_MODELS);
  // No datastore runs here: the secrets only fill the plan.
  const secrets = { rootPassword: 'unused', replPassword: 'unused', appPassword: 'unused', redisPassword: 'unused', sentinelPassword: 'unused', managerToken: 'unused' };
  // The guest's network is its own, so any block is free; the run name picks it as `up` would.
  const subnetBlock = pickSubnetBlock(run, []) ?? 200;
  const plan = planTopology(scenario, { home: 'uml', run, subnetBlock, ownImageTag: 'hadrill/base:uml', secrets, packageDir: ROOT, runDir: ensureRunDirs(run) }, PLANNERS);
  const state: RunState = { run, scenario, plan, secrets, createdAt: new Date().toISOString() };
  const hosts = labHosts(plan);
  const layout = await guest.run(layoutScript(plan, hosts));
  assert.equal(layout.code, 0, `laying the networks out failed: ${layout.stderr}`);
  const router = routerOf(state).name;
  const runtime = new UmlNamespaces(guest, new Map([[router, ROUTER_NS], ...hosts.map((h): [string, string] => [h.container.name, h.idc])]));
  // What `hadrill up` does in the router: the filter chain, then the WAN.
  for (const cmd of routerSetupCommands()) await mustExec(runtime, router, cmd, "create hadrill's filter chain");
  state.wan = await setUpWan(state, runtime);
  return {
    runtime,
    state,
    mechanism: state.wan?.mechanism ?? 'none',
    hosts,
    baseline: scenarioBaseline(state),
    exec: (idc, argv, timeoutMs) => guest.exec(idc, argv, timeoutMs),
    routerExec: (argv) => guest.exec(ROUTER_NS, argv),
    legs: state.wan?.legs ?? {},
    apply: async (spec) => {
      await applyFault(state, runtime, spec);
    },
    heal: async () => {
      await healFaults(state, runtime);
    },
    routerState: async () => {
      const result = await guest.exec(ROUTER_NS, ['sh', '-c', ROUTER_STATE]);
      assert.equal(result.code, 0, result.stderr);
      return result.stdout;
    },
  };
}
