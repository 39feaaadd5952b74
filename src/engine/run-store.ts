// Where a run's state lives on the host: its plan and secrets, the fault
// journal, the agents' histories and the manager's events. One directory per
// run under HADRILL_HOME (default ~/.hadrill), and a pointer to the current run.
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { HadrillError } from '../core/errors.js';
import type { Secrets, TopologyPlan } from '../core/plan/topology-plan.js';
import type { Scenario } from '../core/scenario/scenario.js';
import type { WanMechanism } from '../core/links.js';

export interface RunState {
  run: string;
  /** How link shapes are applied in the router (measured at `up`), and its interface per IDC. */
  wan?: { mechanism: WanMechanism; legs: Record<string, string> };
  scenario: Scenario;
  plan: TopologyPlan;
  secrets: Secrets;
  createdAt: string;
}

export function hadrillHome(): string {
  return process.env['HADRILL_HOME'] ?? join(homedir(), '.hadrill');
}

export function runDir(run: string): string {
  return join(hadrillHome(), 'runs', run);
}

export function ensureRunDirs(run: string): string {
  const dir = runDir(run);
  for (const sub of ['history', 'manager']) mkdirSync(join(dir, sub), { recursive: true });
  return dir;
}

export function saveRunState(state: RunState): void {
  ensureRunDirs(state.run);
  writeFileSync(join(runDir(state.run), 'state.json'), JSON.stringify(state, null, 2));
  writeFileSync(join(hadrillHome(), 'current'), state.run + '\n');
}

export function loadRunState(run: string): RunState | null {
  const file = join(runDir(run), 'state.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as RunState) : null;
}

/** The run a command acts on: --run, else the last one brought up. */
export function resolveRun(explicit: string | undefined): string {
  if (explicit) return explicit;
  const pointer = join(hadrillHome(), 'current');
  if (existsSync(pointer)) return readFileSync(pointer, 'utf8').trim();
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

export function listRuns(): string[] {
  const dir = join(hadrillHome(), 'runs');
  return existsSync(dir) ? readdirSync(dir) : [];
}

/** Forgets a run's state (after `down`), and the current pointer if it named this run. */
export function forgetRun(run: string): void {
  rmSync(runDir(run), { recursive: true, force: true });
  const pointer = join(hadrillHome(), 'current');
  if (existsSync(pointer) && readFileSync(pointer, 'utf8').trim() === run) rmSync(pointer, { force: true });
}
