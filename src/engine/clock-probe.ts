// Reads every agent's clock from the host a few times (see core/clock-skew.ts
// for what is made of the readings). The agents stamp their histories with
// their container's clock, so that is the clock read: `date` run in the agent's
// own container, the host's clock noted on each side of the call. Attached
// runs' agents are hadrill's own containers too, so the same holds for them.
import { clockMeasurement, type ClockMeasurement, type ClockSample } from '../core/clock-skew.js';
import { errorMessage } from '../core/errors.js';
import type { ContainerRuntime } from '../runtime/container-runtime.js';
import { containersOf } from './final-read.js';
import { runLabels } from './ownership.js';
import type { RunState } from './run-store.js';

/** Readings per agent: the shortest round trip of a few is the one used, and a few are quick. */
const SAMPLES_PER_AGENT = 4;
/** A reading slower than this pins nothing down; an agent whose every reading fails or times out is absent. */
const READING_TIMEOUT_MS = 5000;

/** seconds.nanoseconds since the epoch: coreutils' date, in every image hadrill runs agents in. */
const READ_CLOCK = ['date', '+%s.%N'];

/** The same clock the agents stamp histories with on their side (history-writer.ts): wall time with sub-millisecond resolution. */
function hostNowMs(): number {
  return performance.timeOrigin + performance.now();
}

/**
 * Every agent of the run read at once, each one reading after the other. An
 * agent whose container is not running (its IDC lost power, or it is frozen)
 * is absent from the measurement, named with why, and so is one whose every
 * reading failed; nothing here fails the drill.
 */
export async function measureAgentClocks(state: RunState, runtime: ContainerRuntime, samples = SAMPLES_PER_AGENT): Promise<ClockMeasurement> {
  const atMs = Date.now();
  const agents = containersOf(state, 'agent');
  const live = new Map((await runtime.list(runLabels(state.plan))).map((c) => [c.name, c.state]));
  const absent: ClockMeasurement['absent'] = [];
  const readings = new Map<string, ClockSample[]>();
  const failures = new Map<string, string>();
  await Promise.all(
    agents.map(async (agent) => {
      const containerState = live.get(agent.name);
      if (containerState !== 'running') {
        absent.push({ client: agent.node, reason: containerState === undefined ? 'its container is gone' : `its container is ${containerState}` });
        return;
      }
      const list: ClockSample[] = [];
      for (let i = 0; i < samples; i++) {
        try {
          list.push(await readClock(runtime, agent.name));
        } catch (error) {
          failures.set(agent.node, errorMessage(error));
        }
      }
      readings.set(agent.node, list);
    }),
  );
  const measurement = clockMeasurement(atMs, readings, absent);
  // An agent whose every reading failed is absent with the last failure, not a generic reason.
  for (const a of measurement.absent) a.reason = failures.get(a.client) ?? a.reason;
  return measurement;
}

async function readClock(runtime: ContainerRuntime, container: string): Promise<ClockSample> {
  const hostSendMs = hostNowMs();
  const result = await runtime.exec(container, READ_CLOCK, READING_TIMEOUT_MS);
  const hostReceiveMs = hostNowMs();
  if (result.exitCode !== 0) throw new Error(`date exited with ${result.exitCode}: ${result.stderr.trim()}`);
  return { hostSendMs, agentClockMs: parseEpochSeconds(result.stdout), hostReceiveMs };
}

/**
 * "1712345678.123456789" in epoch ms, without losing the nanoseconds to a
 * float of the whole (1.7e18 ns is beyond a double's exact integers): the
 * seconds and the fraction are converted apart.
 */
export function parseEpochSeconds(text: string): number {
  const match = /^(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!match) throw new Error(`not a clock reading: ${JSON.stringify(text.trim().slice(0, 80))}`);
  const fraction = match[2] ?? '';
  return Number(match[1]) * 1000 + (fraction === '' ? 0 : Number(`0.${fraction}`) * 1000);
}
