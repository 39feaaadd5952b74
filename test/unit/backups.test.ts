import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { summarizeBackups } from '../../src/core/check/backups.js';
import type { OpRecord, Outcome } from '../../src/core/history.js';
import type { BackupEvent } from '../../src/core/plan/runtime-configs.js';

const stats = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return { count: sorted.length, p50Ms: sorted[0] ?? null, p99Ms: sorted.at(-1) ?? null, maxMs: sorted.at(-1) ?? null };
};

function write(client: string, invokeMs: number, outcome: Outcome = 'ok'): OpRecord {
  return { id: `${client}-${invokeMs}`, service: 'mysql', kind: 'write', client, idc: 'idc-a', invokeMs, completeMs: invokeMs + 5, outcome };
}

function backup(name: string, stoppedAt: number, restartedAt: number, uploadedAt: number | null = restartedAt - 10, error?: string): BackupEvent {
  return { t: 'backup', at: stoppedAt - 1, name, stoppedAt, uploadedAt, restartedAt, bytes: 1, ...(error === undefined ? {} : { error }) };
}

describe('summarizeBackups', () => {
  // Client a writes every 100 ms except 1000-1400 (the first backup); client b every 100 ms except 1000-1700.
  const ops: OpRecord[] = [];
  for (let t = 0; t < 5000; t += 100) {
    ops.push(write('a', t, t >= 1000 && t < 1500 ? 'failed' : 'ok'));
    ops.push(write('b', t, t >= 1000 && t < 1800 ? 'failed' : 'ok'));
  }
  const events: BackupEvent[] = [
    { t: 'stored', at: 1200, name: 'one', bytes: 1 },
    backup('one', 1000, 1450),
    backup('broken', 2000, 2050, null, 'storage answered 500'),
    // Still under way when the fault comes at 3020: restorable it is not, and its wait is the fault's.
    backup('late', 3000, 3400),
  ];
  const summary = summarizeBackups(events, ops, 3020, stats);

  it('counts completed and failed backups, and the server downtime of each', () => {
    assert.equal(summary.completed, 2);
    assert.equal(summary.failed, 1);
    assert.deepEqual(summary.serverDowntimeMs, { count: 3, p50Ms: 50, p99Ms: 450, maxMs: 450 });
  });

  it('measures the worst client per backup, from acknowledged writes, and only for backups done before the fault', () => {
    // Backup one (asked at 999): b's last write done at 905, its next ok one invoked at 1800: 895 ms.
    // Backup broken (asked at 1999): a and b wrote at 1900 (done 1905) and 2000: 95 ms.
    assert.deepEqual(summary.clientDowntimeMs, { count: 2, p50Ms: 95, p99Ms: 895, maxMs: 895 });
  });

  it('names the newest backup uploaded before the fault as the one a restore brings back', () => {
    assert.deepEqual(summary.lastBeforeFault, { name: 'one', stoppedAt: 1000, restartedAt: 1450 });
    assert.equal(summarizeBackups(events, ops, 500, stats).lastBeforeFault, null, 'no backup was complete yet');
    assert.equal(summarizeBackups(events, ops, null, stats).lastBeforeFault?.name, 'late', 'without a fault, the newest complete one');
  });
});
