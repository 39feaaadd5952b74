// Pausing and resuming the workload agents by signal, so a final read sees a
// system with no write in flight. An agent confirms by a new "paused" line in
// its history (found past where the file ended when the signal was sent, not
// timed: the agent's clock and this process's may disagree by more than the
// few milliseconds a time comparison could allow; and only that part is read,
// as a long drill's history is gigabytes); agents that are not running have
// nothing in flight.
import { closeSync, existsSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ContainerRuntime } from '../runtime/container-runtime.js';
import { waitFor } from '../core/wait.js';
import { containersOf } from './final-read.js';
import { runLabels } from './ownership.js';
import { runDir, type RunState } from './run-store.js';

export async function pauseAgents(state: RunState, runtime: ContainerRuntime, timeoutMs: number): Promise<void> {
  const running = await runningAgents(state, runtime);
  const before = new Map(running.map((a) => [a.node, historyEnd(state.run, a.node)]));
  await Promise.all(running.map((a) => runtime.kill(a.name, 'SIGUSR1')));
  for (const agent of running) {
    await waitFor(`agent ${agent.node} to pause`, async () => (pausedSince(state.run, agent.node, before.get(agent.node)!) ? true : undefined), {
      timeoutMs,
      intervalMs: 100,
    });
  }
}

export async function resumeAgents(state: RunState, runtime: ContainerRuntime): Promise<void> {
  const running = await runningAgents(state, runtime);
  await Promise.all(running.map((a) => runtime.kill(a.name, 'SIGUSR2')));
}

async function runningAgents(state: RunState, runtime: ContainerRuntime): Promise<{ name: string; node: string }[]> {
  const live = new Map((await runtime.list(runLabels(state.plan))).map((c) => [c.name, c.state]));
  return containersOf(state, 'agent').filter((a) => live.get(a.name) === 'running');
}

export function historyDir(run: string): string {
  return join(runDir(run), 'history');
}

/** How many bytes the agent's history holds now: a pause it confirms later is written past them. */
function historyEnd(run: string, client: string): number {
  const file = join(historyDir(run), `${client}.jsonl`);
  return existsSync(file) ? statSync(file).size : 0;
}

/** Whether the agent confirmed a pause in what it wrote to its history past byte `from`. */
function pausedSince(run: string, client: string, from: number): boolean {
  const file = join(historyDir(run), `${client}.jsonl`);
  if (!existsSync(file)) return false;
  const fd = openSync(file, 'r');
  try {
    const tail = Buffer.alloc(Math.max(0, fstatSync(fd).size - from));
    for (let done = 0; done < tail.length; ) {
      const read = readSync(fd, tail, done, tail.length - done, from + done);
      if (read === 0) break;
      done += read;
    }
    return tail.includes('"t":"paused"');
  } finally {
    closeSync(fd);
  }
}
