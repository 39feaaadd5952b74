// Failover milestones from Sentinel's own log lines, e.g.
//   1:X 26 Nov 2026 02:33:21.123 # +odown master hadrill 10.161.1.10 6379 #quorum 2/2
//   1:X 26 Nov 2026 02:33:23.456 # +switch-master hadrill 10.161.1.10 6379 10.161.2.10 6379

import type { FailoverMilestones } from './check/rto-split.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const LINE = /(\d{1,2}) (\w{3}) (\d{4}) (\d{2}):(\d{2}):(\d{2})\.(\d{3}) [#*.-] ([+-][\w-]+) (.*)$/;

export interface SentinelLogEvent {
  at: number;
  event: string;
  detail: string;
}

/** Parses Sentinel log text (timestamps in UTC, as in hadrill's containers). */
export function parseSentinelLog(text: string): SentinelLogEvent[] {
  const events: SentinelLogEvent[] = [];
  for (const line of text.split('\n')) {
    const m = LINE.exec(line);
    if (!m) continue;
    const month = MONTHS.indexOf(m[2] as string);
    if (month < 0) continue;
    const at = Date.UTC(Number(m[3]), month, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6]), Number(m[7]));
    events.push({ at, event: m[8] as string, detail: m[9] as string });
  }
  return events;
}

/**
 * Detections (+odown: the Sentinels agree the master is down) and promotions
 * (+switch-master) at or after `sinceMs`, across all Sentinels. Every
 * Sentinel logs the same promotion, so instants closer than a second to the
 * one before are one event.
 */
export function sentinelMilestones(events: SentinelLogEvent[], sinceMs: number, nodeOfIp: (ip: string) => string | undefined = () => undefined): FailoverMilestones {
  const at = (name: string): number[] => {
    const times = events.filter((e) => e.event === name && e.at >= sinceMs).map((e) => e.at).sort((a, b) => a - b);
    return times.filter((t, i) => i === 0 || t - times[i - 1]! >= SAME_EVENT_MS);
  };
  const promotedMs = at('+switch-master');
  // "+switch-master NAME OLD-IP OLD-PORT NEW-IP NEW-PORT": the new master is the fourth word.
  const promotions = promotedMs.map((t) => {
    const line = events.find((e) => e.event === '+switch-master' && e.at === t);
    const ip = line?.detail.split(/\s+/)[3] ?? '';
    return { atMs: t, node: nodeOfIp(ip) ?? ip, reason: 'elected by the Sentinels (the replica with the best priority and offset)' };
  });
  return { detectedMs: at('+odown'), promotedMs, promotions };
}

const SAME_EVENT_MS = 1000;
