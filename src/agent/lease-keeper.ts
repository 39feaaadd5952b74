// The agent's side of the run's lease (src/core/lease.ts): it looks at the
// lease file every few seconds and says when the lease ran out and when it
// was renewed.
import { readFileSync } from 'node:fs';
import { leaseEnd } from '../core/lease.js';
import { nowMs } from './history-writer.js';

const LOOK_INTERVAL_MS = 5000;

export function keepLease(file: string, ttlMs: number, on: { expired: () => void; renewed: () => void }, lookIntervalMs = LOOK_INTERVAL_MS): { look: () => void } {
  const started = nowMs();
  let expired = false;
  const look = (): void => {
    let text: string | null;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      text = null;
    }
    const now = nowMs();
    const over = now > leaseEnd(started, ttlMs, text);
    if (over === expired) return;
    expired = over;
    if (over) on.expired();
    else on.renewed();
  };
  setInterval(look, lookIntervalMs).unref();
  return { look };
}
