// Before the final read, replicas that still replicate get a bounded chance to
// apply what they have received, so divergence counts what really differs and
// not what was merely in flight.
import { liveGroups } from './groups.js';
import type { RunState } from './run-store.js';

export async function catchUpReplicas(state: RunState, timeoutMs: number): Promise<void> {
  await Promise.all(liveGroups(state).map(({ engine, ctx }) => engine.catchUp(ctx, timeoutMs)));
}
