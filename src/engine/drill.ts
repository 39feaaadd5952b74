// `hadrill drill`: up, the agents' clocks read, steady state, the fault
// timeline, recovery, heal, settle, final read, check, report, down. Teardown
// runs whatever happens, unless the user asked to keep the topology. An
// interruption (SIGINT, SIGTERM) stops the drill where it stands: nothing new
// is created after it, every fault is healed, the topology removed, and the
// interruption rethrown (exit 130 or 143), without a second command. The
// engine taking the topology away mid-drill (a container removed by hand, a
// restart) is an EngineFaultError naming the phase.
import { EngineFaultError, HadrillError, errorMessage } from '../core/errors.js';
import { phase, type EventSink } from '../core/engine-events.js';
import { describeFault } from '../core/faults.js';
import { formatMs } from '../core/duration.js';
import type { Report } from '../core/report/report-model.js';
import type { Scenario, Slo } from '../core/scenario/scenario.js';
import { systemClock, type Clock } from '../core/wait.js';
import type { ContainerRuntime } from '../runtime/container-runtime.js';
import { AbortableRuntime } from './abortable-runtime.js';
import { restartBackupSchedules } from './backup-schedule.js';
import { withRunLock } from './run-lock.js';
import { checkRun } from './check-run.js';
import { measureAgentClocks } from './clock-probe.js';
import { waitForConvergence } from './convergence.js';
import { downRun } from './down.js';
import { applyFault, healFaults } from './faults.js';
import { cancelHealers } from './healers.js';
import { homeId } from './home-id.js';
import { appendJournal } from './journal.js';
import { runLabels } from './ownership.js';
import { loadRunState, type RunState } from './run-store.js';
import { checkTopology, diagnose } from './topology-guard.js';
import { writeInterruptedReport } from './interrupted-report.js';
import { requireDrillable, up } from './up.js';
import { renewLease } from './lease.js';

export type DrillPhase = 'up' | 'steady' | 'fault' | 'recovery' | 'heal' | 'settle' | 'converge' | 'check';

/** Where a drill that ended early had got to. */
export interface DrillOptions {
  scenario: Scenario;
  runtime: ContainerRuntime;
  ownImageTag: string;
  run?: string;
  reportDir: string;
  /** Write into a report directory that holds other files too (--force). */
  force?: boolean;
  keep: boolean;
  slo: Slo;
  emit: EventSink;
  clock?: Clock;
  /** Aborted by SIGINT or SIGTERM, with the HadrillError to end with as its reason. */
  signal?: AbortSignal;
  /** Told once the topology is up and its agents write (--metrics-listen follows the run from then on). */
  onUp?: (state: RunState) => void;
}

/** How long a drill waits, after the settle, for the topology to become one system again. */
const CONVERGE_TIMEOUT_MS = 30_000;
/** Beyond the RTO window: a write interval or two, so the window's last writes are in the history. */
const RECOVERY_MARGIN_MS = 500;

/** How often the drill looks at its containers while it waits. */
const GUARD_INTERVAL_MS = 1000;
/** How long an interrupted drill waits for engine calls already under way, so that it removes what they create. */
const IN_FLIGHT_GRACE_MS = 30_000;

interface Progress {
  phase: DrillPhase;
  startedAtMs: number | null;
}

export async function drill(options: DrillOptions): Promise<Report> {
  const run = options.run ?? options.scenario.name;
  requireDrillable(options.scenario);
  // One owner at a time: a second drill of the same run must not tear this one down.
  return withRunLock(run, 'drill', () => lockedDrill(options, run));
}

async function lockedDrill(options: DrillOptions, run: string): Promise<Report> {
  const { runtime, emit } = options;
  const owner = { home: homeId(), run };
  const signal = options.signal ?? new AbortController().signal;
  if (loadRunState(run) || (await runtime.list(runLabels(owner))).length > 0) {
    emit({ type: 'info', text: `Run ${run} exists from an earlier session; removing it so the drill starts clean` });
    await downRun(runtime, owner, emit);
  }
  const guarded = new AbortableRuntime(runtime, signal);
  const progress: Progress = { phase: 'up', startedAtMs: null };
  const body = timeline(options, guarded, run, progress);
  // After an interruption nobody waits for the timeline any more; its failure must not go unhandled.
  body.catch(() => undefined);
  let failed = false;
  try {
    return await Promise.race([body, rejectedOnAbort(signal)]);
  } catch (error) {
    failed = true;
    const reason = signal.aborted ? (signal.reason as HadrillError) : error;
    const state = loadRunState(run);
    if (signal.aborted) await stopInterrupted(guarded, runtime, state, options);
    // Ended early by the engine or the user: the run's histories and journal are still on disk, before the
    // teardown; the report says what was measured up to then.
    if (state && (reason instanceof EngineFaultError || signal.aborted)) {
      try {
        writeInterruptedReport(state, { phase: progress.phase, reason: errorMessage(reason), startedAtMs: progress.startedAtMs }, options.reportDir, { force: Boolean(options.force) });
        emit({ type: 'warn', text: `the drill did not finish: ${options.reportDir}/report.json says what was measured up to its ${progress.phase} phase (verdict incomplete)` });
      } catch (error) {
        // A report directory refused now (a link or a stranger's file planted during the drill) must not hide why the drill ended.
        emit({ type: 'warn', text: `the drill did not finish, and its report could not be written: ${errorMessage(error)}` });
      }
    }
    throw reason;
  } finally {
    if (!options.keep) {
      try {
        await downRun(runtime, owner, emit);
      } catch (error) {
        // A failing teardown must not hide why the drill ended; on its own it is the error.
        if (!failed) throw error;
        emit({ type: 'warn', text: `teardown failed: ${errorMessage(error)}; \`hadrill down --run ${run}\` retries it` });
      }
    }
  }
}

async function timeline(options: DrillOptions, runtime: ContainerRuntime, run: string, progress: Progress): Promise<Report> {
  const { scenario, emit, signal } = options;
  const clock = options.clock ?? systemClock;
  // A failed up removes what it created before it rethrows, so its failure is not explained by the missing containers.
  const state = await inPhase(progress, 'up', runtime, () => null, () => up({ scenario, runtime, ownImageTag: options.ownImageTag, run, emit, ...(signal ? { signal } : {}) }));
  await restartBackupSchedules(state, runtime);
  options.onUp?.(state);
  const started = clock.now();
  // Read while the steady state runs: the drill waits then anyway, and a reading that fails leaves the start unmeasured, not the drill failed.
  const startClocks = measureAgentClocks(state, runtime).catch(() => undefined);
  progress.startedAtMs = started;
  appendJournal(run, { t: 'drill.started', at: started });
  const { drill: plan } = scenario;
  const step = <T>(name: DrillPhase, work: () => Promise<T>): Promise<T> => inPhase(progress, name, runtime, () => state, work);
  // Every look at the containers also renews the run's lease: a drill drives its run, however long it lasts.
  const look = (name: DrillPhase): Promise<void> => (renewLease(state), checkTopology(runtime, state, name));
  const waitUntil = (name: DrillPhase, at: number): Promise<void> => step(name, () => sleepFor(clock, at - clock.now(), signal, () => look(name)));

  const first = plan.timeline[0]?.atMs ?? 0;
  if (plan.timeline.length > 0) await phase(emit, 'steady', `Writing steadily until the first fault at +${formatMs(first)}`, () => waitUntil('steady', started + first));
  for (const fault of plan.timeline) {
    await waitUntil('fault', started + fault.atMs);
    const text = `Injecting ${describeFault(fault.spec)} at +${formatMs(fault.atMs)}${fault.durationMs !== undefined ? ` for ${formatMs(fault.durationMs)}` : ''}`;
    await phase(emit, 'fault', text, () => step('fault', () => applyFault(state, runtime, fault.spec, fault.durationMs)));
  }
  const lastFault = plan.timeline.at(-1)?.atMs ?? 0;
  // A drill without faults watches for false failovers: the machinery has nothing to do.
  const watch = plan.timeline.length === 0 ? `No fault in this drill: watching for failovers nothing asked for, for ${formatMs(plan.recoveryMs)}` : `Letting the failover machinery work for ${formatMs(plan.recoveryMs)}`;
  await phase(emit, 'recovery', watch, () => waitUntil('recovery', started + lastFault + plan.recoveryMs));
  await phase(emit, 'heal', 'Healing every fault', () => step('heal', () => healFaults(state, runtime)));
  await phase(emit, 'settle', `Settling for ${formatMs(plan.settleMs)}`, () => waitUntil('settle', clock.now() + plan.settleMs));
  const convergence = await phase(
    emit,
    'converge',
    'Waiting for the topology to converge while the clients keep writing',
    () =>
      step('converge', async () => {
        const result = await waitForConvergence(state, CONVERGE_TIMEOUT_MS, (ms) => sleepFor(clock, ms, signal, () => look('converge')));
        // Every client gets a full recovery window after the topology settled, so its recovery can show.
        await sleepFor(clock, plan.rtoWindowMs + RECOVERY_MARGIN_MS, signal, () => look('converge'));
        return result;
      }),
    (r) => (r.converged ? 'The topology converged' : `The topology had not converged after ${formatMs(CONVERGE_TIMEOUT_MS)}: ${r.pending.join('; ')}`),
  );
  const notes = convergence.converged ? [] : [`the topology had not converged ${formatMs(CONVERGE_TIMEOUT_MS)} after the settle: ${convergence.pending.join('; ')}`];
  const report = await step('check', async () => {
    const checked = await checkRun(state, runtime, { reportDir: options.reportDir, force: Boolean(options.force), mode: 'drill', startedAtMs: started, slo: options.slo, emit, resume: false, notes, startClocks: await startClocks });
    // A node that vanished during the final read was read as unreadable: the report would look valid and be wrong.
    await checkTopology(runtime, state, 'check');
    return checked;
  });
  appendJournal(run, { t: 'drill.finished', at: clock.now() });
  return report;
}

/** Runs one phase of the drill; a failure is explained by the topology's state when the engine took it away. */
async function inPhase<T>(progress: Progress, name: DrillPhase, runtime: ContainerRuntime, state: () => RunState | null, work: () => Promise<T>): Promise<T> {
  progress.phase = name;
  try {
    return await work();
  } catch (error) {
    const current = state();
    if (error instanceof EngineFaultError || !current) throw error;
    throw (await diagnose(runtime, current, name, error).catch(() => null)) ?? error;
  }
}

/** After SIGINT or SIGTERM: let engine calls under way return, then heal every fault from the journal. */
async function stopInterrupted(guarded: AbortableRuntime, runtime: ContainerRuntime, state: RunState | null, options: DrillOptions): Promise<void> {
  const { emit } = options;
  emit({ type: 'warn', text: `interrupted; healing every fault${options.keep ? ' and leaving the topology up (--keep)' : ' and removing the topology'}` });
  await guarded.settled(IN_FLIGHT_GRACE_MS);
  if (!state) return;
  cancelHealers(state.run);
  try {
    await phase(emit, 'heal', 'Healing every fault', () => healFaults(state, runtime));
  } catch (error) {
    emit({ type: 'warn', text: `${errorMessage(error)}${options.keep ? '' : ' (removing the topology undoes them anyway)'}` });
  }
}

function rejectedOnAbort(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    else signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

async function sleepFor(clock: Clock, ms: number, signal: AbortSignal | undefined, look: () => Promise<void>): Promise<void> {
  const end = clock.now() + ms;
  let lookedAt = clock.now();
  while (clock.now() < end) {
    signal?.throwIfAborted();
    if (clock.now() - lookedAt >= GUARD_INTERVAL_MS) {
      await look();
      lookedAt = clock.now();
    }
    await clock.sleep(Math.min(250, end - clock.now()));
  }
}
