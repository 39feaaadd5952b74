// Failover milestones from the data access layer controller's event log: its
// detection of a lost zone and each move of the zone's shards, read as
// promotions of the nodes that took them over, so a routed tier's RTO is split
// and its lost writes are explained as any other tier's.
import type { FailoverMilestones } from './check/rto-split.js';

/** The controller's events this needs, as its log holds them. */
export type ControllerEvent =
  | { t: 'zone-down'; at: number }
  | { t: 'moved'; at: number; zone: string; moves: { shard: number; to: string }[]; epoch: number }
  | { t: string; at: number };

/** `zoneNode`: each zone's node of the sharded group, by zone name. */
export function dalMilestones(events: readonly ControllerEvent[], zoneNode: Readonly<Record<string, string>>, sinceMs: number): FailoverMilestones {
  const detectedMs: number[] = [];
  const promotions: NonNullable<FailoverMilestones['promotions']> = [];
  for (const e of [...events].sort((a, b) => a.at - b.at)) {
    if (e.at < sinceMs) continue;
    if (e.t === 'zone-down') detectedMs.push(e.at);
    if (!isMove(e)) continue;
    const byZone = new Map<string, number[]>();
    for (const m of e.moves) byZone.set(m.to, [...(byZone.get(m.to) ?? []), m.shard]);
    for (const [zone, shards] of [...byZone].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
      promotions.push({ atMs: e.at, node: zoneNode[zone] ?? zone, reason: `took shard${shards.length === 1 ? '' : 's'} ${shards.join(', ')} of ${e.zone} (epoch ${e.epoch})` });
    }
  }
  return { detectedMs, promotedMs: [...new Set(promotions.map((p) => p.atMs))], promotions };
}

function isMove(e: ControllerEvent): e is Extract<ControllerEvent, { t: 'moved'; zone: string }> {
  return e.t === 'moved' && Array.isArray((e as { moves?: unknown }).moves);
}
