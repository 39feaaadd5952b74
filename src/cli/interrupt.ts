// One signal (SIGINT, SIGTERM) ends a drill cleanly: the drill under way
// heals every fault and removes its topology (or leaves it up with --keep),
// then hadrill exits 130 or 143. A second signal is Node's default, at once.
import { HadrillError } from '../core/errors.js';

/**
 * Runs `work` with a signal that the first SIGINT or SIGTERM aborts, with the
 * HadrillError to end with as its reason. `what` names what was stopped
 * ("The drill", "The comparison").
 */
export async function untilInterrupted<T>(what: string, keep: boolean, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const abort = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => {
    const code = signal === 'SIGTERM' ? 'terminated' : 'interrupted';
    const done = keep ? 'its faults were healed and its topology left up (--keep)' : 'its faults were healed and its topology removed';
    abort.abort(new HadrillError(code, `${what} was ${code} by ${signal}; ${done}.`, { hint: 'A second signal stops hadrill at once; `hadrill heal` and `hadrill down` then finish the job.' }));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    return await work(abort.signal);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
