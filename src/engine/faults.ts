// Applying and healing faults. Each fault is journaled before it is applied,
// and its effective instant (when the kill, pause or rule returned) is
// journaled after, so heal works after any crash and RTO starts at the right time.
import { randomBytes } from 'node:crypto';
import { HadrillError } from '../core/errors.js';
import { describeFault, type FaultEvent, type FaultSpec } from '../core/faults.js';
import { activeFaults } from '../core/journal-model.js';
import { LABEL_RUN } from '../core/plan/labels.js';
import type { ContainerPlan, NetworkPlan } from '../core/plan/topology-plan.js';
import type { ContainerRuntime } from '../runtime/container-runtime.js';
import { appendJournal, readJournal } from './journal.js';
import { startReplication, stopReplication, withMysql } from './mysql-control.js';
import { dropRule, ruleScript } from './router.js';
import { installRoutes } from './routes.js';
import type { RunState } from './run-store.js';

export async function applyFault(state: RunState, runtime: ContainerRuntime, spec: FaultSpec): Promise<FaultEvent> {
  validateTarget(state, spec);
  const already = activeFaults(readJournal(state.run)).find((f) => sameSpec(f.spec, spec));
  if (already) return already;
  const id = `f${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  const requestedMs = Date.now();
  appendJournal(state.run, { t: 'fault.applying', id, spec, at: requestedMs });
  await perform(state, runtime, spec, id, 'apply');
  const appliedMs = Date.now();
  appendJournal(state.run, { t: 'fault.applied', id, at: appliedMs });
  return { id, spec, requestedMs, appliedMs, healedMs: null };
}

/** Heals every active fault of the run (or only `ids`), most recent first. */
export async function healFaults(state: RunState, runtime: ContainerRuntime, ids?: string[]): Promise<FaultEvent[]> {
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

async function perform(state: RunState, runtime: ContainerRuntime, spec: FaultSpec, id: string, action: 'apply' | 'heal'): Promise<void> {
  switch (spec.kind) {
    case 'power':
    case 'freeze': {
      const members = await idcContainers(state, runtime, spec.idc);
      if (spec.kind === 'power' && action === 'apply') {
        await Promise.all(members.filter((m) => m.state === 'running' || m.state === 'paused').map((m) => runtime.kill(m.name)));
      } else if (spec.kind === 'power') {
        // Power returns: containers boot again; hadrill's image re-installs its routes, others get them from a helper.
        await Promise.all(members.filter((m) => m.state !== 'running').map((m) => runtime.start(m.name)));
        await Promise.all(members.filter((m) => !m.plan.ownImage).map((m) => installRoutes(runtime, m.plan, state.plan)));
      } else if (action === 'apply') {
        await Promise.all(members.filter((m) => m.state === 'running').map((m) => runtime.pause(m.name)));
      } else {
        await Promise.all(members.filter((m) => m.state === 'paused').map((m) => runtime.unpause(m.name)));
      }
      return;
    }
    case 'isolate': {
      const router = state.plan.containers.find((c) => c.kind === 'router') as ContainerPlan;
      const own = networkOf(state, spec.idc);
      const others = state.plan.networks.filter((n) => n.idc !== spec.idc);
      const rules = others.flatMap((other) => [dropRule(own, other, id), dropRule(other, own, id)]);
      const script = action === 'apply' ? ruleScript(rules, '-A') : `${ruleScript(rules, '-D')} 2>/dev/null; true`;
      const result = await runtime.exec(router.name, ['sh', '-c', script]);
      if (result.exitCode !== 0) throw new HadrillError('setup', `Router rules for ${describeFault(spec)} failed: ${result.stderr.trim()}`);
      return;
    }
    case 'replication-stop': {
      const node = state.plan.containers.find((c) => c.kind === 'mysql' && c.node === spec.node) as ContainerPlan;
      const flavor = state.scenario.mysql?.flavor ?? 'mariadb';
      if (action === 'apply') await withMysql(node.ip, state.secrets, (c) => stopReplication(c, flavor));
      else {
        // After a failover the node may be the primary, with no replication left to restart: nothing to heal then.
        await withMysql(node.ip, state.secrets, (c) => startReplication(c, flavor)).catch((error: unknown) => {
          if (!/not configured|no master|no replica|MASTER_HOST was not set|ER_BAD_SLAVE|ER_REPLICA_CONFIGURATION|ER_SLAVE_CONFIGURATION/i.test(String((error as Error).message) + String((error as { code?: string }).code))) throw error;
        });
      }
      return;
    }
  }
}

async function idcContainers(state: RunState, runtime: ContainerRuntime, idc: string): Promise<{ name: string; state: string; plan: ContainerPlan }[]> {
  const live = new Map((await runtime.list({ [LABEL_RUN]: state.run })).map((c) => [c.name, c]));
  return state.plan.containers
    .filter((c) => c.idc === idc)
    .map((plan) => ({ name: plan.name, state: live.get(plan.name)?.state ?? 'missing', plan }))
    .filter((m) => m.state !== 'missing');
}

function networkOf(state: RunState, idc: string): NetworkPlan {
  return state.plan.networks.find((n) => n.idc === idc) as NetworkPlan;
}

function validateTarget(state: RunState, spec: FaultSpec): void {
  if (spec.kind === 'replication-stop') {
    const replicas = state.plan.containers.filter((c) => c.kind === 'mysql').map((c) => c.node);
    if (!replicas.includes(spec.node)) throw new HadrillError('usage', `"${spec.node}" is not a MySQL node of run ${state.run}; nodes: ${replicas.join(', ')}.`);
    return;
  }
  const idcs = state.plan.networks.map((n) => n.idc);
  if (!idcs.includes(spec.idc)) throw new HadrillError('usage', `Unknown IDC "${spec.idc}" in run ${state.run}; known: ${idcs.join(', ')}.`, { hint: 'See `hadrill status`.' });
}

function sameSpec(a: FaultSpec, b: FaultSpec): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
