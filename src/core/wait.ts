// Readiness as a wait with an explicit timeout and an injectable clock, so
// the waiting logic is tested without sleeping.
import { HadrillError } from './errors.js';

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * Calls `probe` until it returns a value other than undefined, or throws a
 * setup error naming `what` and the last failure once `timeoutMs` has passed.
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  options: { timeoutMs: number; intervalMs?: number; clock?: Clock; hint?: string; signal?: AbortSignal },
): Promise<T> {
  const clock = options.clock ?? systemClock;
  const deadline = clock.now() + options.timeoutMs;
  let lastError = 'no answer yet';
  for (;;) {
    // An interrupted drill stops waiting at once, whatever it was waiting for.
    options.signal?.throwIfAborted();
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
    }
    if (clock.now() >= deadline) {
      throw new HadrillError('setup', `Timed out after ${options.timeoutMs} ms waiting for ${what} (last: ${lastError}).`, {
        hint: options.hint ?? 'Look at the container logs (`docker logs NAME`), or raise the timeout.',
      });
    }
    await clock.sleep(options.intervalMs ?? 250);
  }
}
