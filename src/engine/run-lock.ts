// One owner per run at a time. `drill`, `up`, `check` and `down` change a
// run as a whole: a second `drill` of the same scenario would tear down the
// one that is running, and `up` during a drill would start the containers a
// fault stopped. Each takes the run's lock file (HADRILL_HOME/locks/RUN.lock,
// created exclusively) for as long as it works on the run. A lock whose
// holder is gone (killed, the machine rebooted) is taken over: it names a
// process that no longer runs hadrill.
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { HadrillError } from '../core/errors.js';
import { hadrillHome, runDir } from './run-store.js';

export interface LockHolder {
  pid: number;
  host: string;
  /** The command that holds it, as the user typed it (`drill`, `up`, ...). */
  command: string;
  since: string;
}

export interface RunLock {
  readonly holder: LockHolder;
  release(): void;
}

function lockFile(run: string): string {
  // runDir checks the name; the lock lives beside the runs, so that removing a run's directory leaves it.
  runDir(run);
  return join(hadrillHome(), 'locks', `${run}.lock`);
}

/** Whether a process with this id runs hadrill on this machine now. */
export function holderAlive(holder: LockHolder, isAlive: (pid: number) => boolean = runsHadrill): boolean {
  if (holder.host !== hostname()) return true; // Another machine's process cannot be asked: its lock stands.
  return isAlive(holder.pid);
}

function runsHadrill(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it exists, but is another user's; it may still be hadrill.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  // A recycled id now belongs to some other program: the lock's holder is gone.
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('hadrill');
  } catch {
    return true;
  }
}

export function readHolder(run: string): LockHolder | null {
  const file = lockFile(run);
  if (!existsSync(file)) return null;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as LockHolder;
  } catch {
    // Half written by a holder killed between create and write: nobody holds it.
    return null;
  }
}

/**
 * Takes the run's lock for `command`, or says who holds it. A lock whose
 * holder no longer runs is taken over; `force` takes over a live one too
 * (`down --force`, for a holder that hangs).
 */
export function acquireRunLock(run: string, command: string, options: { force?: boolean; isAlive?: (pid: number) => boolean } = {}): RunLock {
  const file = lockFile(run);
  mkdirSync(join(hadrillHome(), 'locks'), { recursive: true, mode: 0o700 });
  const holder: LockHolder = { pid: process.pid, host: hostname(), command, since: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      try {
        writeSync(fd, JSON.stringify(holder) + '\n');
      } finally {
        closeSync(fd);
      }
      return {
        holder,
        release: () => {
          // Only its own: a lock taken over by `--force` meanwhile is the new holder's.
          if (readHolder(run)?.pid === holder.pid) rmSync(file, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const current = readHolder(run);
    // This very process holds it (a drill's own up and down): nothing to take, nothing to release.
    if (current?.pid === process.pid && current.host === holder.host) return { holder: current, release: () => undefined };
    if (current && !options.force && holderAlive(current, options.isAlive)) {
      throw new HadrillError('usage', `Run ${run} is in use: \`hadrill ${current.command}\` (pid ${current.pid} on ${current.host}) has held it since ${current.since}.`, {
        hint: `Wait for it to end, stop it (Ctrl-C heals and removes what it made), or use another run name with --run. If it hangs, \`hadrill down --run ${run} --force\` takes the run over.`,
      });
    }
    rmSync(file, { force: true });
  }
  throw new HadrillError('usage', `Run ${run}: another hadrill took its lock at the same moment.`, { hint: 'Run the command again.' });
}

/** Runs `work` holding the run's lock, and releases it however `work` ends. */
export async function withRunLock<T>(run: string, command: string, work: () => Promise<T>, options: { force?: boolean } = {}): Promise<T> {
  const lock = acquireRunLock(run, command, options);
  try {
    return await work();
  } finally {
    lock.release();
  }
}
