// After the heal a topology needs a while to become one system again: a
// former Redis master that came back with its power still acts as a master
// until the Sentinels turn it into a replica, and clients that reach it are
// acknowledged and then lose those writes. The drill keeps the agents writing
// through that, so what clients suffer while the topology converges is
// measured, and reads the final state only once it has converged (or a bound
// has passed): a drill that stops measuring mid-convergence would report a
// recovery it never saw, or none at all.
import { liveGroups } from './groups.js';
import type { RunState } from './run-store.js';

export interface Convergence {
  converged: boolean;
  /** What still differed when the bound passed. */
  pending: string[];
}

const POLL_MS = 250;

export async function waitForConvergence(state: RunState, timeoutMs: number, sleep: (ms: number) => Promise<void>): Promise<Convergence> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const pending = (await Promise.all(liveGroups(state).map(({ engine, ctx }) => engine.convergencePending(ctx).catch((error: unknown) => [`${ctx.group.name}: ${(error as Error).message}`])))).flat();
    if (pending.length === 0) return { converged: true, pending };
    if (Date.now() >= deadline) return { converged: false, pending };
    await sleep(POLL_MS);
  }
}
