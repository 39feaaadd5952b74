// Renews a run's lease (src/core/lease.ts): the agents keep writing for the
// run's TTL from now. Called by everything that drives a run; a drill calls
// it on every look at its containers, so it writes the file at most every
// RENEW_EVERY_MS.
import { join } from 'node:path';
import { DEFAULT_TTL_MS, LEASE_FILE, type LeaseFile } from '../core/lease.js';
import { historyDir } from './agents-control.js';
import { ensureRunDirs, writePrivateFile, type RunState } from './run-store.js';

const RENEW_EVERY_MS = 30_000;
const renewedAt = new Map<string, number>();

export function leaseFile(run: string): string {
  return join(historyDir(run), LEASE_FILE);
}

export function renewLease(state: RunState, nowMs = Date.now()): void {
  const last = renewedAt.get(state.run);
  if (last !== undefined && nowMs - last < RENEW_EVERY_MS) return;
  const ttlMs = state.scenario.workload.ttlMs ?? DEFAULT_TTL_MS;
  ensureRunDirs(state.run, state.plan.containers.flatMap((c) => c.binds));
  const lease: LeaseFile = { until: nowMs + ttlMs };
  writePrivateFile(leaseFile(state.run), JSON.stringify(lease) + '\n');
  renewedAt.set(state.run, nowMs);
}
