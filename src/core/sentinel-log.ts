// Failover milestones from Sentinel's own log lines, e.g.
//   1:X 26 Nov 2026 02:33:21.123 # +odown master hadrill 10.161.1.10 6379 #quorum 2/2
//   1:X 26 Nov 2026 02:33:23.456 # +switch-master hadrill 10.161.1.10 6379 10.161.2.10 6379
import { redisLogLines } from './redis-log.js';

import type { FailoverMilestones } from './check/rto-split.js';

/** A Sentinel event line's message: `+event detail`. */
const EVENT = /^([+-][\w-]+) (.*)$/;

export interface SentinelLogEvent {
  at: number;
  event: string;
  detail: string;
}

/** Parses Sentinel log text (timestamps in UTC, as in hadrill's containers). */
export function parseSentinelLog(text: string): SentinelLogEvent[] {
  return redisLogLines(text).flatMap(({ at, message }) => {
    const m = EVENT.exec(message);
    return m ? [{ at, event: m[1] as string, detail: m[2] as string }] : [];
  });
}

/**
 * Detections (+odown: the Sentinels agree the master is down) and promotions
 * (+switch-master) at or after `sinceMs`, across all Sentinels. Every
 * Sentinel logs the same promotion, so instants closer than a second to the
 * one before are one event. A Sentinel that was away (its IDC down) logs the
 * switch it missed when it catches up, later: a switch between the same two
 * masters as the promotion before it is that catching up, not a new one.
 */
export function sentinelMilestones(events: SentinelLogEvent[], sinceMs: number, nodeOfIp: (ip: string) => string | undefined = () => undefined): FailoverMilestones {
  const at = (name: string): number[] => {
    const times = events.filter((e) => e.event === name && e.at >= sinceMs).map((e) => e.at).sort((a, b) => a - b);
    return times.filter((t, i) => i === 0 || t - times[i - 1]! >= SAME_EVENT_MS);
  };
  // "+switch-master NAME OLD-IP OLD-PORT NEW-IP NEW-PORT".
  const switches = events
    .filter((e) => e.event === '+switch-master' && e.at >= sinceMs)
    .sort((a, b) => a.at - b.at)
    .map((e) => {
      const [, oldIp = '', , newIp = ''] = e.detail.split(/\s+/);
      return { at: e.at, move: `${oldIp}>${newIp}`, newIp };
    });
  const promotions: NonNullable<FailoverMilestones['promotions']> = [];
  let last: { at: number; move: string } | null = null;
  for (const s of switches) {
    const repeated = last !== null && (s.at - last.at < SAME_EVENT_MS || s.move === last.move);
    if (!repeated) promotions.push({ atMs: s.at, node: nodeOfIp(s.newIp) ?? s.newIp, reason: ELECTED });
    if (last === null || s.move !== last.move) last = s;
  }
  return { detectedMs: at('+odown'), promotedMs: promotions.map((p) => p.atMs), promotions };
}

const SAME_EVENT_MS = 1000;
const ELECTED = 'elected by the Sentinels (the replica with the best priority and offset)';
