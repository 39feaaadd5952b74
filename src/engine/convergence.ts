// After the heal a topology needs a while to become one system again: a
// former Redis master that came back with its power still acts as a master
// until the Sentinels turn it into a replica, and clients that reach it are
// acknowledged and then lose those writes. The drill keeps the agents writing
// through that, so what clients suffer while the topology converges is
// measured, and reads the final state only once it has converged (or a bound
// has passed): a drill that stops measuring mid-convergence would report a
// recovery it never saw, or none at all.
import { announcedPrimary, containersOf, sentinelsMaster } from './final-read.js';
import { nodeStatus, withMysql } from './mysql-control.js';
import { redisRole, type RedisRole } from './redis-control.js';
import type { RunState } from './run-store.js';

export interface Convergence {
  converged: boolean;
  /** What still differed when the bound passed. */
  pending: string[];
}

const POLL_MS = 250;

export async function waitForConvergence(state: RunState, timeoutMs: number, sleep: (ms: number) => Promise<void>): Promise<Convergence> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const pending = [...(await redisPending(state)), ...(await mysqlPending(state))];
    if (pending.length === 0) return { converged: true, pending };
    if (Date.now() >= deadline) return { converged: false, pending };
    await sleep(POLL_MS);
  }
}

/** Every Redis node that answers is a linked replica of the master the Sentinels name. */
async function redisPending(state: RunState): Promise<string[]> {
  if (!state.scenario.redis) return [];
  const masterIp = await sentinelsMaster(state);
  if (masterIp === null) return ['no Sentinel names a Redis master'];
  const pending: string[] = [];
  for (const c of containersOf(state, 'redis')) {
    if (c.ip === masterIp) continue;
    const role: RedisRole | null = await redisRole(c.ip, state.secrets).catch(() => null);
    if (role === null) continue;
    if (role.role !== 'replica' || role.masterHost !== masterIp || !role.linkUp) pending.push(`${c.node} is ${role.role === 'master' ? 'a master' : 'not yet a linked replica'} of the Sentinels' master`);
  }
  return pending;
}

/** No MySQL node but the announced primary takes writes. */
async function mysqlPending(state: RunState): Promise<string[]> {
  const mysql = state.scenario.mysql;
  if (!mysql) return [];
  const primary = (await announcedPrimary(state))?.name;
  const pending: string[] = [];
  for (const c of containersOf(state, 'mysql')) {
    if (c.node === primary) continue;
    const status = await withMysql(c.ip, state.secrets, (conn) => nodeStatus(conn, mysql.flavor), 1500).catch(() => null);
    if (status !== null && !status.readOnly) pending.push(`${c.node} is writable beside the announced primary ${primary ?? '(none)'}`);
  }
  return pending;
}
