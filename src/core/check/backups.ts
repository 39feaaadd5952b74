// What cold backups cost in normal operation: the server's own downtime for
// each backup (stopped, shipped, serving again), and what the clients saw of
// it: for each backup, the longest any client went from its last
// acknowledged write before the backup began to its first acknowledged write
// after. Acknowledged, not durable: a later failover may lose the writes after
// a backup, which is the RPO's business, not the backup's cost. Backups still
// under way at the first fault are not counted: the fault, not the backup,
// decides how long those clients wait.
import type { OpRecord } from '../history.js';
import type { BackupEvent } from '../plan/runtime-configs.js';
import type { BackupSummary } from './backup-types.js';
import type { LatencyStats } from './latency-types.js';

type Backup = Extract<BackupEvent, { t: 'backup' }>;

export function summarizeBackups(
  events: readonly BackupEvent[],
  ops: readonly OpRecord[],
  firstFaultMs: number | null,
  stats: (values: number[]) => LatencyStats,
): BackupSummary {
  const backups = events.filter((e): e is Backup => e.t === 'backup').sort((a, b) => a.at - b.at);
  const completed = backups.filter((b) => b.uploadedAt !== null && b.error === undefined);
  const byClient = new Map<string, { invokeMs: number; completeMs: number }[]>();
  ops.forEach((op) => {
    if (op.kind !== 'write' || op.outcome !== 'ok' || op.completeMs === null) return;
    const list = byClient.get(op.client) ?? [];
    list.push({ invokeMs: op.invokeMs, completeMs: op.completeMs });
    byClient.set(op.client, list);
  });
  for (const list of byClient.values()) list.sort((a, b) => a.invokeMs - b.invokeMs);
  const beforeFault = (ms: number): boolean => firstFaultMs === null || ms < firstFaultMs;
  const clientDowntime = backups.flatMap((b) => {
    if (!beforeFault(b.restartedAt)) return [];
    let worst: number | null = null;
    for (const list of byClient.values()) {
      const before = list.filter((w) => w.completeMs <= b.at).at(-1);
      const after = list.find((w) => w.invokeMs >= b.at);
      if (before && after && beforeFault(after.invokeMs)) worst = Math.max(worst ?? 0, after.invokeMs - before.completeMs);
    }
    return worst === null ? [] : [worst];
  });
  const lastBefore = firstFaultMs === null ? completed.at(-1) : completed.filter((b) => (b.uploadedAt ?? Infinity) <= firstFaultMs).at(-1);
  return {
    completed: completed.length,
    failed: backups.length - completed.length,
    serverDowntimeMs: stats(backups.map((b) => b.restartedAt - b.stoppedAt)),
    clientDowntimeMs: stats(clientDowntime),
    lastBeforeFault: lastBefore ? { name: lastBefore.name, stoppedAt: lastBefore.stoppedAt, restartedAt: lastBefore.restartedAt } : null,
  };
}
