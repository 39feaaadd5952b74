// A drill starts every cold-backup schedule again at its own start, so its
// faults meet the same point of the backup cycle on every run: without this,
// backups count from whenever `up` started the writer, and a fault at +24 s
// may land just after a backup (losing nothing) or just before one.
import { programCommand } from '../core/plan/programs.js';
import type { ContainerPlan } from '../core/plan/topology-plan.js';
import type { ContainerRuntime } from '../runtime/container-runtime.js';
import type { RunState } from './run-store.js';

/** The writers whose server a backup supervisor runs. */
export function backupSupervisors(state: Pick<RunState, 'plan'>): ContainerPlan[] {
  const supervisor = programCommand('backupSupervisor').join(' ');
  return state.plan.containers.filter((c) => c.cmd.join(' ') === supervisor);
}

/** Signals each backup supervisor (SIGUSR1) to count its schedule from now. */
export async function restartBackupSchedules(state: RunState, runtime: ContainerRuntime): Promise<void> {
  await Promise.all(backupSupervisors(state).map((c) => runtime.kill(c.name, 'SIGUSR1')));
}
