// The fault journal's entries and what they say about faults. Every fault is
// journaled before it is applied and again once it took effect or was healed.
import type { FaultEvent, FaultSpec } from './faults.js';

export type JournalEntry =
  | { t: 'fault.applying'; id: string; spec: FaultSpec; at: number }
  | { t: 'fault.applied'; id: string; at: number; durationMs?: number }
  | { t: 'fault.healed'; id: string; at: number }
  | { t: 'fault.heal-failed'; id: string; at: number; error: string }
  | { t: 'drill.started'; at: number }
  | { t: 'drill.finished'; at: number };

/**
 * Folds the journal into fault events. A fault journaled as applying but never
 * as applied may still have taken effect (the CLI died mid-way): it counts as
 * active, applied at the instant it was requested, so heal undoes it.
 */
export function faultEvents(entries: JournalEntry[]): FaultEvent[] {
  const byId = new Map<string, FaultEvent>();
  for (const e of entries) {
    if (e.t === 'fault.applying') byId.set(e.id, { id: e.id, spec: e.spec, requestedMs: e.at, appliedMs: e.at, healedMs: null });
    const event = 'id' in e ? byId.get(e.id) : undefined;
    if (!event) continue;
    if (e.t === 'fault.applied') {
      event.appliedMs = e.at;
      if (e.durationMs !== undefined) event.durationMs = e.durationMs;
    }
    if (e.t === 'fault.healed') event.healedMs = e.at;
  }
  return [...byId.values()];
}

export function activeFaults(entries: JournalEntry[]): FaultEvent[] {
  return faultEvents(entries).filter((f) => f.healedMs === null);
}
