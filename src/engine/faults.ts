// Applying and healing faults. Each fault is journaled before it is applied,
// and its effective instant (when the kill, pause or rule returned) after, so
// heal works after any crash and RTO starts at the right time. A fault with a
// duration is healed by a detached `hadrill heal` process, so it heals on time
// even if the CLI that applied it is killed.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { HadrillError } from '../core/errors.js';
import { describeFault, type FaultEvent, type FaultSpec } from '../core/faults.js';
import { activeFaults } from '../core/journal-model.js';
import type { ContainerPlan } from '../core/plan/topology-plan.js';
import { faultRulesCommand } from '../core/router/filter-rules.js';
import { packageRoot } from '../package-paths.js';
import type { ContainerRuntime } from '../runtime/container-runtime.js';
import { startDetached } from '../runtime/host-process.js';
import { appendJournal, readJournal } from './journal.js';
import { liveGroups } from './groups.js';
import { installRoutes } from './routes.js';
import { recordHealer } from './healers.js';
import { liveRunContainers } from './ownership.js';
import { runDir, type RunState } from './run-store.js';
import { applyLinkShapes, routerOf } from './wan.js';
import { kindNamed } from '../datastores/registry.js';
import { attachedRules, powerOnAttached } from './attach-faults.js';
import { renewLease } from './lease.js';

export async function applyFault(state: RunState, runtime: ContainerRuntime, spec: FaultSpec, durationMs?: number): Promise<FaultEvent> {
  validateTarget(state, spec);
  renewLease(state);
  // Applying the same fault twice is not an error: the one in force is returned.
  const already = activeFaults(readJournal(state.run)).find((f) => JSON.stringify(f.spec) === JSON.stringify(spec));
  if (already) return already;
  const id = `f${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  const requestedMs = Date.now();
  appendJournal(state.run, { t: 'fault.applying', id, spec, at: requestedMs });
  await perform(state, runtime, spec, id, 'apply');
  const appliedMs = Date.now();
  appendJournal(state.run, { t: 'fault.applied', id, at: appliedMs, ...(durationMs !== undefined ? { durationMs } : {}) });
  if (durationMs !== undefined) scheduleHeal(state.run, id, appliedMs + durationMs);
  return { id, spec, requestedMs, appliedMs, healedMs: null, ...(durationMs !== undefined ? { durationMs } : {}) };
}

/** Heals every active fault of the run (or only `ids`), most recent first. */
export async function healFaults(state: RunState, runtime: ContainerRuntime, ids?: string[]): Promise<FaultEvent[]> {
  renewLease(state);
  const active = activeFaults(readJournal(state.run))
    .filter((f) => !ids || ids.includes(f.id))
    .reverse();
  const healed: FaultEvent[] = [];
  const errors: string[] = [];
  for (const fault of active) {
    try {
      await perform(state, runtime, fault.spec, fault.id, 'heal');
      const at = Date.now();
      appendJournal(state.run, { t: 'fault.healed', id: fault.id, at });
      healed.push({ ...fault, healedMs: at });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      appendJournal(state.run, { t: 'fault.heal-failed', id: fault.id, at: Date.now(), error: message });
      errors.push(`${describeFault(fault.spec)}: ${message}`);
    }
  }
  if (errors.length > 0) throw new HadrillError('setup', `Could not heal every fault:\n  ${errors.join('\n  ')}`, { hint: 'Run `hadrill heal` again; `hadrill down` removes everything regardless.' });
  return healed;
}

/** A separate process group, so neither Ctrl-C nor SIGKILL of this CLI cancels it. */
function scheduleHeal(run: string, id: string, atMs: number): void {
  const pid = startDetached(process.execPath, [join(packageRoot(), 'bin', 'hadrill.js'), 'heal', '--run', run, '--fault', id, '--at', String(atMs), '--quiet'], join(runDir(run), 'healer.log'));
  recordHealer(run, pid);
}

async function perform(state: RunState, runtime: ContainerRuntime, spec: FaultSpec, id: string, action: 'apply' | 'heal'): Promise<void> {
  switch (spec.kind) {
    case 'power':
    case 'freeze': {
      const members = await liveContainers(state, runtime, (c) => c.idc === spec.idc);
      if (spec.kind === 'power' && action === 'apply') {
        await Promise.all(members.filter((m) => m.state === 'running' || m.state === 'paused').map((m) => runtime.kill(m.plan.name)));
      } else if (spec.kind === 'power') {
        await powerOn(state, runtime, members);
      } else if (action === 'apply') {
        await Promise.all(members.filter((m) => m.state === 'running').map((m) => runtime.pause(m.plan.name)));
      } else {
        await Promise.all(members.filter((m) => m.state === 'paused').map((m) => runtime.unpause(m.plan.name)));
      }
      return;
    }
    case 'isolate':
    case 'cut':
    case 'partition': {
      if (state.attach) return attachedRules(state, runtime, spec, id, action);
      const command = faultRulesCommand(spec, state.plan.networks, id, action);
      if (!command) return;
      const result = await runtime.exec(routerOf(state).name, command);
      if (result.exitCode !== 0) throw new HadrillError('setup', `Router rules for ${describeFault(spec)} failed: ${result.stderr.trim()}`);
      return;
    }
    case 'degrade': {
      // An attached run never shapes a link (validateTarget refuses it): nothing to heal.
      if (state.attach) return;
      const others = activeFaults(readJournal(state.run)).filter((f) => f.id !== id && f.spec.kind === 'degrade');
      const degradations = others.map((f) => f.spec as Extract<FaultSpec, { kind: 'degrade' }>);
      if (action === 'apply') degradations.push(spec);
      await applyLinkShapes(state, runtime, degradations);
      return;
    }
    case 'crash': {
      const [member] = await liveContainers(state, runtime, (c) => c.node === spec.node);
      if (!member) return;
      if (action === 'apply') {
        if (member.state === 'running') await runtime.kill(member.plan.name);
        if (spec.restart) await powerOn(state, runtime, [{ ...member, state: 'exited' }]);
      } else {
        await powerOn(state, runtime, [member]);
      }
      return;
    }
    case 'switchover': {
      // Done once it is done: there is nothing to heal.
      if (action === 'heal') return;
      const owner = liveGroups(state).find((g) => g.group.name === spec.group);
      if (!owner?.engine.switchover) throw new HadrillError('usage', `Group ${spec.group} cannot move its writer on purpose.`);
      await owner.engine.switchover(owner.ctx, spec.to);
      return;
    }
    case 'replication-stop': {
      const owner = liveGroups(state).find((g) => g.ctx.nodes.some((c) => c.node === spec.node));
      const node = owner?.ctx.nodes.find((c) => c.node === spec.node);
      if (!owner || !node) throw new HadrillError('usage', `"${spec.node}" is no node of run ${state.run}.`);
      await owner.engine.replication(owner.ctx, node, action === 'apply' ? 'stop' : 'start');
      return;
    }
  }
}

/** Containers boot again in a new network namespace, which gets its routes from a helper. */
async function powerOn(state: RunState, runtime: ContainerRuntime, members: { state: string; plan: ContainerPlan }[]): Promise<void> {
  const stopped = members.filter((m) => m.state !== 'running' && m.state !== 'paused');
  if (state.attach) return powerOnAttached(state, runtime, stopped.map((m) => m.plan));
  await Promise.all(stopped.map((m) => runtime.start(m.plan.name)));
  await Promise.all(stopped.map((m) => installRoutes(runtime, m.plan, state.plan)));
}

async function liveContainers(state: RunState, runtime: ContainerRuntime, which: (c: ContainerPlan) => boolean): Promise<{ state: string; plan: ContainerPlan }[]> {
  const live = new Map((await liveRunContainers(runtime, state)).map((c) => [c.name, c.state]));
  return state.plan.containers
    .filter(which)
    .map((plan) => ({ state: live.get(plan.name) ?? 'missing', plan }))
    .filter((m) => m.state !== 'missing');
}

function validateTarget(state: RunState, spec: FaultSpec): void {
  const idcs = state.scenario.idcs.map((i) => i.name);
  const checkIdc = (idc: string): void => {
    if (!idcs.includes(idc)) throw new HadrillError('usage', `Unknown IDC "${idc}" in run ${state.run}; known: ${idcs.join(', ')}.`, { hint: 'See `hadrill status`.' });
  };
  switch (spec.kind) {
    case 'replication-stop': {
      const nodes = state.scenario.groups.flatMap((g) => kindNamed(g.kind).model.stoppableReplicas(g));
      if (!nodes.includes(spec.node)) throw new HadrillError('usage', `"${spec.node}" is not a replica whose replication can be stopped in run ${state.run}; such replicas: ${nodes.join(', ') || 'none'}.`);
      return;
    }
    case 'crash': {
      const nodes = state.plan.containers.filter((c) => c.kind !== 'router').map((c) => c.node);
      if (!nodes.includes(spec.node)) throw new HadrillError('usage', `Unknown node "${spec.node}" in run ${state.run}; nodes: ${nodes.join(', ')}.`);
      return;
    }
    case 'cut':
      checkIdc(spec.from);
      checkIdc(spec.to);
      if (spec.from === spec.to) throw new HadrillError('usage', 'A cut needs two different IDCs.');
      return;
    case 'degrade':
      // Refused before it is journaled: a fault that never took effect has nothing to heal.
      if (state.attach) throw new HadrillError('usage', `Run ${state.run} is attached to your containers: hadrill cannot shape links on networks it did not make.`, { hint: 'Use cut, isolate or partition instead.' });
      checkIdc(spec.a);
      checkIdc(spec.b);
      if (spec.a === spec.b) throw new HadrillError('usage', 'Traffic inside an IDC is not shaped: name two different IDCs.');
      return;
    case 'partition':
      spec.groups.flat().forEach(checkIdc);
      if (spec.groups.length < 2) throw new HadrillError('usage', 'A partition needs at least two groups, e.g. `hadrill partition idc-a,idc-b idc-c`.');
      return;
    case 'switchover': {
      const group = state.scenario.groups.find((g) => g.name === spec.group);
      if (!group) throw new HadrillError('usage', `Unknown group "${spec.group}" in run ${state.run}; groups: ${state.scenario.groups.map((g) => g.name).join(', ')}.`);
      const why = kindNamed(group.kind).model.switchover(group, spec.to);
      if (why !== null) throw new HadrillError('usage', `No switchover of group ${spec.group}: ${why}.`);
      return;
    }
    default:
      checkIdc(spec.idc);
  }
}
