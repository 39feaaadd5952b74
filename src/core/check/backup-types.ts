// What a group's cold backups cost: the server's downtime per backup, the
// clients' wait, and the newest copy a restore could bring back.
import type { LatencyStats } from './latency-types.js';

export interface BackupSummary {
  /** Cold backups shipped whole to storage during the run, and those that failed. */
  completed: number;
  failed: number;
  /** The server's own downtime per backup: stopped to serving again. */
  serverDowntimeMs: LatencyStats;
  /** Per backup finished before the first fault, the longest any client went from its last acknowledged write before the backup began to its first acknowledged write after. */
  clientDowntimeMs: LatencyStats;
  /** The newest backup complete before the first fault: what a restore can bring back. */
  lastBeforeFault: { name: string; stoppedAt: number; restartedAt: number } | null;
}
