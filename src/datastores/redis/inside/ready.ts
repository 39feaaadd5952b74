// Waiting for an ioredis client's first connection, so an agent's first
// operations do not fail only because the client is still starting.
import type { Redis } from 'ioredis';

/** Resolves once connected, or after `ms` whatever happened. */
export function whenReady(redis: Redis, ms: number): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    redis.once('ready', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
