// Faults on an attached run's containers: cuts and isolation as rules in each
// container's own network namespace, put there by a short-lived helper of
// hadrill's that joins it (`--network container:NAME`, NET_ADMIN) and is
// removed at once. A container that loses power comes back with a new
// namespace: the cuts still in force are put into it again.
import { randomBytes } from 'node:crypto';
import { HadrillError } from '../core/errors.js';
import { describeFault, type FaultSpec } from '../core/faults.js';
import { activeFaults } from '../core/journal-model.js';
import { netnsRulesScript } from '../core/attach/netns-rules.js';
import type { ContainerPlan } from '../core/plan/topology-plan.js';
import type { ContainerRuntime } from '../runtime/container-runtime.js';
import { readJournal } from './journal.js';
import { runLabels } from './ownership.js';
import type { RunState } from './run-store.js';

const HELPER_TIMEOUT_MS = 30_000;
const CUTS = new Set(['isolate', 'cut', 'partition']);

/** Applies or heals a cut, isolation or partition in every running container of the run it concerns (or only `only`). */
export async function attachedRules(state: RunState, runtime: ContainerRuntime, spec: FaultSpec, faultId: string, action: 'apply' | 'heal', only?: readonly string[]): Promise<void> {
  const network = state.attach?.network;
  if (!network) throw new Error('attachedRules: not an attached run');
  const live = await runtime.list({});
  const running = new Map(live.filter((c) => c.state === 'running').map((c) => [c.name, c]));
  const addresses: Record<string, string[]> = Object.fromEntries(state.scenario.idcs.map((i) => [i.name, [] as string[]]));
  for (const c of state.plan.containers) {
    // A stopped container has no address in the engine's view: the one it had (and gets back, see powerOnAttached).
    const ip = live.find((l) => l.name === c.name)?.ips[network] || c.ip;
    if (ip) addresses[c.idc]?.push(ip);
  }
  const targets = state.plan.containers.filter((c) => running.has(c.name) && (!only || only.includes(c.name)));
  const image = ownImage(state);
  const failures: string[] = [];
  await Promise.all(
    targets.map(async (c) => {
      const script = netnsRulesScript(spec, c.idc, addresses, faultId, action);
      if (script === null) return;
      const result = await runtime
        .runOnce(
          { name: `hadrill-${state.run}-netns-${randomBytes(3).toString('hex')}`, image, cmd: ['sh', '-c', script], env: {}, labels: runLabels(state.plan), capAdd: ['NET_ADMIN'], networkMode: `container:${c.name}` },
          HELPER_TIMEOUT_MS,
        )
        .catch((error: unknown) => ({ exitCode: -1, stdout: '', stderr: (error as Error).message }));
      if (result.exitCode !== 0) failures.push(`${c.node} (${c.name}): ${result.stderr.trim() || `exit ${result.exitCode}`}`);
    }),
  );
  if (failures.length > 0) throw new HadrillError('setup', `Rules for ${describeFault(spec)} failed in ${failures.length} containers:\n  ${failures.join('\n  ')}`, { hint: '`hadrill heal` removes the rules that were put in; `hadrill down` too.' });
}

/**
 * Starts an attached run's stopped containers again. The user's network gave
 * their addresses back to its pool when they stopped, and hands out the
 * lowest free one: started one at a time, lowest address first, each gets
 * its own back. One that does not (the network had a lower free address) is
 * an error: clients and checks know the nodes by address.
 */
export async function powerOnAttached(state: RunState, runtime: ContainerRuntime, stopped: readonly ContainerPlan[]): Promise<void> {
  const network = state.attach!.network;
  const ordered = [...stopped].sort((a, b) => addressOrder(a.ip) - addressOrder(b.ip));
  for (const c of ordered) await runtime.start(c.name);
  const live = new Map((await runtime.list({})).map((c) => [c.name, c.ips[network] ?? '']));
  const moved = ordered.filter((c) => c.ip && live.get(c.name) !== c.ip);
  await reapplyCuts(state, runtime, ordered);
  if (moved.length > 0) {
    throw new HadrillError('setup', `${moved.map((c) => `${c.node} (${c.name}) came back as ${live.get(c.name) || 'no address'}, not ${c.ip}`).join('; ')}: clients and checks know the nodes by their addresses on ${network}.`, {
      hint: 'Give your containers fixed addresses (ipv4_address in Compose, --ip with docker run) so a restart keeps them.',
    });
  }
}

function addressOrder(ip: string): number {
  return ip ? ip.split('.').reduce((n, part) => n * 256 + Number(part), 0) : Number.MAX_SAFE_INTEGER;
}

/** Containers that came back with a new namespace get the cuts that are still in force. */
async function reapplyCuts(state: RunState, runtime: ContainerRuntime, restarted: readonly ContainerPlan[]): Promise<void> {
  if (restarted.length === 0) return;
  for (const fault of activeFaults(readJournal(state.run)).filter((f) => CUTS.has(f.spec.kind))) {
    await attachedRules(state, runtime, fault.spec, fault.id, 'apply', restarted.map((c) => c.name));
  }
}

function ownImage(state: RunState): string {
  const image = state.plan.containers.find((c) => !c.foreign)?.image;
  if (!image) throw new Error('an attached run has no container of hadrill\'s to take its image from');
  return image;
}
