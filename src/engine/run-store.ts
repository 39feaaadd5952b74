// Where a run's state lives on the host: its plan and secrets, the fault
// journal, the agents' histories and the manager's events. One directory per
// run under HADRILL_HOME/runs (default ~/.hadrill), and a pointer to the
// current run. Directories are 0700 and files 0600: the state holds passwords.
// Files are replaced whole (a temporary file beside them, flushed, renamed
// over): a crash while one is written leaves the previous one as it was.
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { HadrillError } from '../core/errors.js';
import { nameProblem, requireName } from '../core/names.js';
import type { AttachedContainer } from '../core/attach/select.js';
import type { Secrets, TopologyPlan } from '../core/plan/topology-plan.js';
import type { Scenario } from '../core/scenario/scenario.js';
import type { WanMechanism } from '../core/links.js';
import { writeFileAtomic } from './atomic-file.js';
import { requireOwnHome } from './home-guard.js';

export interface RunState {
  run: string;
  /** How link shapes are applied in the router (measured at `up`), and its interface per IDC. */
  wan?: { mechanism: WanMechanism; legs: Record<string, string> };
  scenario: Scenario;
  plan: TopologyPlan;
  secrets: Secrets;
  createdAt: string;
  /** An attached run: the user's network its agents joined, and the user's containers its nodes are. */
  attach?: { network: string; containers: Record<string, AttachedContainer> };
  /** An attached group's own credentials over `secrets`, by group (this file is private to its owner). */
  groupSecrets?: Record<string, Secrets>;
}

export const RUN_HINT = 'For example --run my-drill-2.';

/** Homes already found to be the user's own, in this process. */
const ownHomes = new Set<string>();

/** HADRILL_HOME; an existing one is checked, once, before anything is read from or written into it. */
export function hadrillHome(): string {
  const home = resolve(process.env['HADRILL_HOME'] || join(homedir(), '.hadrill'));
  if (!ownHomes.has(home) && existsSync(home)) {
    requireOwnHome(home);
    ownHomes.add(home);
  }
  return home;
}

function runsRoot(): string {
  return join(hadrillHome(), 'runs');
}

/**
 * A run's directory. The name rule keeps it one plain component; the check
 * after it is the second line of defence: nothing outside HADRILL_HOME/runs
 * is ever handed to a write or a recursive delete.
 */
export function runDir(run: string): string {
  requireName('run', run, RUN_HINT);
  const root = resolve(runsRoot());
  const dir = resolve(root, run);
  if (dirname(dir) !== root) throw new HadrillError('internal', `Refusing to use ${dir}: it is not a run directory inside ${root}.`);
  return dir;
}

/** Creates HADRILL_HOME (0700) when missing; an existing one (checked by hadrillHome) keeps its mode. */
export function ensureHome(): string {
  const home = hadrillHome();
  if (!existsSync(home)) mkdirSync(home, { recursive: true, mode: 0o700 });
  privateDir(runsRoot());
  return home;
}

/**
 * The run's directory and every directory of it the plan's containers mount
 * (agent histories, each machinery node's events): made here, private, so
 * that Docker does not make them root-owned and world-readable on first use.
 */
export function ensureRunDirs(run: string, binds: readonly string[] = []): string {
  ensureHome();
  const dir = runDir(run);
  privateDir(dir);
  for (const bind of binds) {
    const host = bind.split(':')[0]!;
    if (host.startsWith(`${dir}/`)) privateDir(host);
  }
  return dir;
}

/** hadrill's own directories: 0700 whether new or made by an older hadrill. */
function privateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
}

/**
 * A file only the user can read (a new file, so also when the one it replaces
 * had a wider mode), replaced whole: written to a temporary file in the same
 * directory, flushed to disk and renamed over it, never written in place.
 */
export function writePrivateFile(file: string, text: string): void {
  writeFileAtomic(file, text, { mode: 0o600 });
}

export function saveRunState(state: RunState): void {
  ensureRunDirs(state.run, state.plan.containers.flatMap((c) => c.binds));
  writePrivateFile(join(runDir(state.run), 'state.json'), JSON.stringify(state, null, 2));
  writePrivateFile(join(hadrillHome(), 'current'), state.run + '\n');
}

export function loadRunState(run: string): RunState | null {
  const file = join(runDir(run), 'state.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as RunState) : null;
}

/** The run a command acts on: --run, else the last one brought up. */
export function resolveRun(explicit: string | undefined): string {
  if (explicit) return requireName('--run', explicit, RUN_HINT);
  const pointer = join(hadrillHome(), 'current');
  if (existsSync(pointer)) {
    return requireName(`the current run named in ${pointer}`, readFileSync(pointer, 'utf8').trim(), 'Name the run with --run, or delete that file.');
  }
  throw new HadrillError('usage', `No hadrill run is active under ${hadrillHome()}.`, {
    hint: 'Start one with `hadrill up SCENARIO.yaml`, or name one with --run.',
  });
}

export function requireRunState(run: string): RunState {
  const state = loadRunState(run);
  if (!state) {
    throw new HadrillError('usage', `Run "${run}" has no state in ${runDir(run)}.`, {
      hint: 'Bring it up with `hadrill up SCENARIO.yaml`; `hadrill down --run RUN` still removes its containers by label.',
    });
  }
  return state;
}

/** The runs of this home; entries that are not run names (put there by hand) are not runs. */
export function listRuns(): string[] {
  const dir = runsRoot();
  return existsSync(dir) ? readdirSync(dir).filter((name) => nameProblem(name) === null) : [];
}

/** Forgets a run's state (after `down`), and the current pointer if it named this run. */
export function forgetRun(run: string): void {
  rmSync(runDir(run), { recursive: true, force: true });
  const pointer = join(hadrillHome(), 'current');
  if (existsSync(pointer) && readFileSync(pointer, 'utf8').trim() === run) rmSync(pointer, { force: true });
}
