// Failover milestones from the reference manager's event log.
import type { ManagerEvent } from './plan/runtime-configs.js';

export function parseManagerEvents(text: string): ManagerEvent[] {
  return text
    .split('\n')
    .filter((l) => l.trim().startsWith('{'))
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as ManagerEvent];
      } catch {
        return [];
      }
    });
}

export function managerMilestones(events: ManagerEvent[], sinceMs: number): { detectedMs?: number; promotedMs?: number } {
  const detected = events.find((e) => e.t === 'failure-detected' && e.at >= sinceMs);
  const promoted = events.find((e) => e.t === 'promoted' && e.at >= sinceMs);
  return { ...(detected ? { detectedMs: detected.at } : {}), ...(promoted ? { promotedMs: promoted.at } : {}) };
}
