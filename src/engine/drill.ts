// `hadrill drill`: up, steady state, the fault timeline, recovery, heal,
// settle, final read, check, report, down. Teardown runs whatever happens,
// unless the user asked to keep the topology.
import { phase, type EventSink } from '../core/engine-events.js';
import { describeFault } from '../core/faults.js';
import { formatMs } from '../core/duration.js';
import type { Report } from '../core/report/report-model.js';
import type { Scenario, Slo } from '../core/scenario/scenario.js';
import { systemClock, type Clock } from '../core/wait.js';
import type { ContainerRuntime } from '../runtime/container-runtime.js';
import { checkRun } from './check-run.js';
import { waitForConvergence } from './convergence.js';
import { removeRun } from './down.js';
import { applyFault, healFaults } from './faults.js';
import { appendJournal } from './journal.js';
import { forgetRun, loadRunState } from './run-store.js';
import { up } from './up.js';

export interface DrillOptions {
  scenario: Scenario;
  runtime: ContainerRuntime;
  ownImageTag: string;
  run?: string;
  reportDir: string;
  keep: boolean;
  slo: Slo;
  emit: EventSink;
  clock?: Clock;
  /** Aborted by SIGINT: the drill stops waiting and tears down. */
  signal?: AbortSignal;
}

/** How long a drill waits, after the settle, for the topology to become one system again. */
const CONVERGE_TIMEOUT_MS = 30_000;
/** Beyond the RTO window: a write interval or two, so the window's last writes are in the history. */
const RECOVERY_MARGIN_MS = 500;

export async function drill(options: DrillOptions): Promise<Report> {
  const { scenario, runtime, emit } = options;
  const clock = options.clock ?? systemClock;
  const run = options.run ?? scenario.name;
  if (loadRunState(run)) {
    emit({ type: 'info', text: `Run ${run} exists from an earlier session; removing it so the drill starts clean` });
    await removeRun(runtime, run, emit);
    forgetRun(run);
  }
  try {
    const state = await up({ scenario, runtime, ownImageTag: options.ownImageTag, run, emit });
    const started = clock.now();
    appendJournal(run, { t: 'drill.started', at: started });
    const { drill: plan } = scenario;
    for (const step of plan.timeline) {
      await sleepUntil(clock, started + step.atMs, options.signal);
      await phase(emit, 'fault', `Injecting ${describeFault(step.spec)} at +${formatMs(step.atMs)}${step.durationMs !== undefined ? ` for ${formatMs(step.durationMs)}` : ''}`, () => applyFault(state, runtime, step.spec, step.durationMs));
    }
    const lastFault = plan.timeline.at(-1)?.atMs ?? 0;
    await phase(emit, 'recovery', `Letting the failover machinery work for ${formatMs(plan.recoveryMs)}`, () =>
      sleepUntil(clock, started + lastFault + plan.recoveryMs, options.signal),
    );
    await phase(emit, 'heal', 'Healing every fault', () => healFaults(state, runtime));
    await phase(emit, 'settle', `Settling for ${formatMs(plan.settleMs)}`, () => sleepFor(clock, plan.settleMs, options.signal));
    const convergence = await phase(
      emit,
      'converge',
      'Waiting for the topology to converge while the clients keep writing',
      async () => {
        const result = await waitForConvergence(state, CONVERGE_TIMEOUT_MS, (ms) => sleepFor(clock, ms, options.signal));
        // Every client gets a full recovery window after the topology settled, so its recovery can show.
        await sleepFor(clock, plan.rtoWindowMs + RECOVERY_MARGIN_MS, options.signal);
        return result;
      },
      (r) => (r.converged ? 'The topology converged' : `The topology had not converged after ${formatMs(CONVERGE_TIMEOUT_MS)}: ${r.pending.join('; ')}`),
    );
    const notes = convergence.converged ? [] : [`the topology had not converged ${formatMs(CONVERGE_TIMEOUT_MS)} after the settle: ${convergence.pending.join('; ')}`];
    const report = await checkRun(state, runtime, { reportDir: options.reportDir, mode: 'drill', startedAtMs: started, slo: options.slo, emit, resume: options.keep, notes });
    appendJournal(run, { t: 'drill.finished', at: clock.now() });
    return report;
  } finally {
    if (!options.keep) {
      await removeRun(runtime, run, emit);
      forgetRun(run);
    }
  }
}

async function sleepUntil(clock: Clock, at: number, signal?: AbortSignal): Promise<void> {
  await sleepFor(clock, at - clock.now(), signal);
}

async function sleepFor(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  const end = clock.now() + ms;
  while (clock.now() < end) {
    if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('interrupted');
    await clock.sleep(Math.min(250, end - clock.now()));
  }
}
