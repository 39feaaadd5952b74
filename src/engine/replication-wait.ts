// Before the final read, replicas that still replicate get a bounded chance to
// apply what they have received, so divergence counts what really differs and
// not what was merely in flight.
import { announcedPrimary, containersOf, sentinelsMaster } from './final-read.js';
import { redisRole } from './redis-control.js';
import { nodeStatus, withMysql } from './mysql-control.js';
import type { RunState } from './run-store.js';
import { waitForGtidSql } from '../core/mysql/replication-sql.js';

export async function catchUpReplicas(state: RunState, timeoutMs: number): Promise<void> {
  await Promise.all([catchUpMysql(state, timeoutMs), catchUpRedis(state, timeoutMs)]);
}

/**
 * Redis replicas (including a former master the Sentinels are turning into a
 * replica) get a bounded chance to link up and reach the master's offset.
 */
async function catchUpRedis(state: RunState, timeoutMs: number): Promise<void> {
  if (!state.scenario.redis) return;
  const masterIp = await sentinelsMaster(state);
  if (!masterIp) return;
  const deadline = Date.now() + timeoutMs;
  const others = containersOf(state, 'redis').filter((c) => c.ip !== masterIp);
  while (Date.now() < deadline) {
    const master = await redisRole(masterIp, state.secrets).catch(() => null);
    if (!master) return;
    const roles = await Promise.all(others.map((c) => redisRole(c.ip, state.secrets).catch(() => null)));
    const synced = roles.every((r) => r === null || (r.role === 'replica' && r.masterHost === masterIp && r.linkUp && r.offset >= master.offset));
    if (synced) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function catchUpMysql(state: RunState, timeoutMs: number): Promise<void> {
  const mysql = state.scenario.mysql;
  if (!mysql) return;
  const announced = await announcedPrimary(state);
  const primary = containersOf(state, 'mysql').find((c) => c.node === announced?.name);
  if (!primary) return;
  const gtid = await withMysql(primary.ip, state.secrets, async (c) => (await nodeStatus(c, mysql.flavor)).executedGtid).catch(() => null);
  if (!gtid) return;
  await Promise.all(
    containersOf(state, 'mysql')
      .filter((c) => c !== primary)
      .map((c) =>
        withMysql(c.ip, state.secrets, async (conn) => {
          const status = await nodeStatus(conn, mysql.flavor);
          if (status.replica?.ioRunning) await conn.query(waitForGtidSql(mysql.flavor), [gtid, Math.ceil(timeoutMs / 1000)]);
        }, 2000, timeoutMs + 2000).catch(() => undefined),
      ),
  );
}
