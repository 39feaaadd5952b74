// The WAN between IDCs: link shapes (baseline latency, and degradations) are
// applied in the router, with netem where the kernel has it and with
// hadrill-wan, a userspace TUN emulator, where it has not.
import { HadrillError } from '../core/errors.js';
import { baselineLinks, directedShapes, effectiveLinks, wanConfig, type Link, type LinkShape, type WanMechanism } from '../core/links.js';
import { ROUTER_ADDRESSES_COMMAND, routerLegsFromAddresses } from '../core/router/legs.js';
import { netemCommand, netemProbeScript } from '../core/router/netem.js';
import type { ContainerPlan } from '../core/plan/topology-plan.js';
import { waitFor } from '../core/wait.js';
import type { ContainerRuntime } from '../runtime/container-runtime.js';
import type { RunState } from './run-store.js';

const TUN = 'hwan0';
const TABLE = '100';
const CONFIG = '/run/hadrill-wan/links.json';

export function routerOf(state: RunState): ContainerPlan {
  const router = state.plan.containers.find((c) => c.kind === 'router');
  if (!router) throw new HadrillError('internal', `Run ${state.run} has no router.`);
  return router;
}

export function scenarioBaseline(state: RunState): Link[] {
  const net = state.scenario.network;
  return baselineLinks(state.scenario.idcs, net, net.links);
}

/**
 * netem where a probe in the router can build the whole HTB + u32 + netem
 * tree (HADRILL_WAN=userspace forces the emulator, e.g. to test it on a
 * kernel that has netem).
 */
export async function detectMechanism(runtime: ContainerRuntime, router: string): Promise<WanMechanism> {
  if (process.env['HADRILL_WAN'] === 'userspace') return 'userspace';
  const probe = await runtime.exec(router, ['sh', '-c', netemProbeScript()]);
  if (probe.exitCode === 0) return 'netem';
  if (process.env['HADRILL_WAN'] === 'netem') throw new HadrillError('environment', 'HADRILL_WAN=netem, but this kernel cannot build a netem tree (sch_netem, sch_htb, cls_u32).', { hint: 'Unset HADRILL_WAN to use the userspace emulator.' });
  return 'userspace';
}

/** Finds the router's interface in each IDC network, by its address. */
export async function routerLegs(runtime: ContainerRuntime, state: RunState): Promise<Record<string, string>> {
  const result = await runtime.exec(routerOf(state).name, ROUTER_ADDRESSES_COMMAND);
  return routerLegsFromAddresses(result.stdout, state.plan.networks);
}

/** At `up`: chooses the mechanism, starts the emulator if needed, applies the baseline. */
export async function setUpWan(state: RunState, runtime: ContainerRuntime): Promise<RunState['wan']> {
  const router = routerOf(state).name;
  const mechanism = await detectMechanism(runtime, router);
  const legs = await routerLegs(runtime, state);
  const wan = { mechanism, legs };
  if (mechanism === 'userspace') {
    await writeConfig(runtime, router, state, scenarioBaseline(state));
    const running = await runtime.exec(router, ['sh', '-c', `ip link show ${TUN} >/dev/null 2>&1`]);
    if (running.exitCode !== 0) await runtime.spawn(router, ['sh', '-c', 'exec hadrill-wan >>/run/hadrill-wan/log 2>&1']);
    await waitFor('the WAN emulator to open its TUN device', async () => ((await runtime.exec(router, ['ip', 'link', 'show', TUN])).exitCode === 0 ? true : undefined), { timeoutMs: 15_000, intervalMs: 100, hint: 'See /run/hadrill-wan/log in the router container.' });
    const script = [
      `ip link set ${TUN} up`,
      `ip route replace default dev ${TUN} table ${TABLE}`,
      ...Object.values(legs).map((dev) => `ip rule show | grep -q "iif ${dev} lookup ${TABLE}" || ip rule add iif ${dev} lookup ${TABLE} pref 100`),
    ].join(' && ');
    await mustExec(runtime, router, ['sh', '-c', script], 'route IDC traffic through the WAN emulator');
  } else {
    await applyNetem(runtime, router, state, legs, scenarioBaseline(state));
  }
  return wan;
}

/** Reshapes every link: the baseline with the active degradations over it. */
export async function applyLinkShapes(state: RunState, runtime: ContainerRuntime, degradations: { a: string; b: string; shape: Partial<LinkShape> }[]): Promise<void> {
  const links = effectiveLinks(scenarioBaseline(state), degradations);
  const router = routerOf(state).name;
  if (state.wan?.mechanism === 'netem') await applyNetem(runtime, router, state, state.wan.legs, links);
  else await writeConfig(runtime, router, state, links);
}

async function writeConfig(runtime: ContainerRuntime, router: string, state: RunState, links: Link[]): Promise<void> {
  const json = wanConfig(state.plan.networks, directedShapes(links));
  // Written beside and renamed, so the emulator never reads half a file.
  await mustExec(runtime, router, ['sh', '-c', `mkdir -p /run/hadrill-wan && printf '%s' "$1" > ${CONFIG}.tmp && mv ${CONFIG}.tmp ${CONFIG}`, 'sh', json], 'write the link shapes');
}

async function applyNetem(runtime: ContainerRuntime, router: string, state: RunState, legs: Record<string, string>, links: Link[]): Promise<void> {
  await mustExec(runtime, router, netemCommand(state.plan.networks, legs, directedShapes(links)), 'apply netem link shapes');
}

/** Runs a command in a container and throws with its output when it fails. */
export async function mustExec(runtime: ContainerRuntime, container: string, cmd: string[], what: string): Promise<void> {
  const result = await runtime.exec(container, cmd);
  if (result.exitCode !== 0) throw new HadrillError('setup', `Could not ${what} in ${container}: ${(result.stderr || result.stdout).trim()}`);
}
