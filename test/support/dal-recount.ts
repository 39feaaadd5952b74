// Recounts, literally from the history, what the data access layer promises
// and the report claims: where each user was written, and that it was
// written in one home at a time.
import type { OpRecord } from '../../src/core/history.js';

/** For every user written in more than one zone: the zones in the order they wrote it, and whether any two overlapped. */
export function homesOfUsers(writes: readonly OpRecord[]): { moved: Map<string, string[]>; overlapping: string[]; epochBackwards: string[] } {
  const byUser = new Map<string, OpRecord[]>();
  for (const w of writes) {
    if (w.outcome !== 'ok' || w.key === undefined || !w.route) continue;
    const list = byUser.get(w.key) ?? [];
    list.push(w);
    byUser.set(w.key, list);
  }
  const moved = new Map<string, string[]>();
  const overlapping: string[] = [];
  const epochBackwards: string[] = [];
  for (const [user, list] of byUser) {
    const zones = [...new Set(list.map((w) => w.route!.zone))];
    if (zones.length < 2) continue;
    moved.set(user, zones);
    // Every pair of writes in different zones: the one in the later home must begin after the other ended, at a newer epoch.
    for (const x of list) {
      for (const y of list) {
        if (x.route!.zone === y.route!.zone || x.completeMs! > y.completeMs!) continue;
        if (y.invokeMs < x.completeMs!) overlapping.push(`${user}: ${x.id} in ${x.route!.zone} and ${y.id} in ${y.route!.zone}`);
        if (y.route!.epoch <= x.route!.epoch) epochBackwards.push(`${user}: ${x.id} at epoch ${x.route!.epoch}, ${y.id} at ${y.route!.epoch}`);
      }
    }
  }
  return { moved, overlapping, epochBackwards };
}
