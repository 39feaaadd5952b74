// The detached `hadrill heal --at` processes that heal faults with a duration.
// Each one's pid is recorded in the run's directory, so that `down` and a
// drill's teardown stop those still waiting: nothing of a run outlives it.
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runDir } from './run-store.js';

function healersFile(run: string): string {
  return join(runDir(run), 'healers');
}

export function recordHealer(run: string, pid: number | undefined): void {
  if (pid !== undefined) appendFileSync(healersFile(run), `${pid}\n`, { mode: 0o600 });
}

/** Stops the run's healers that still run; returns how many. */
export function cancelHealers(run: string): number {
  const file = healersFile(run);
  if (!existsSync(file)) return 0;
  let stopped = 0;
  for (const pid of readFileSync(file, 'utf8').split('\n').filter(Boolean).map(Number)) {
    // A pid is reused once its process is gone: only a process that still is this run's healer is stopped.
    if (!isHealerOf(pid, run)) continue;
    try {
      process.kill(pid, 'SIGTERM');
      stopped++;
    } catch {
      // it finished meanwhile
    }
  }
  return stopped;
}

function isHealerOf(pid: number, run: string): boolean {
  try {
    const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return args.includes('heal') && args[args.indexOf('--run') + 1] === run;
  } catch {
    return false;
  }
}
