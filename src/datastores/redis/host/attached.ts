// A Redis group hadrill did not build (an attached scenario): its replication
// and Sentinels are the user's and stay untouched. hadrill's writes are keys
// under "hadrill:", which `down` deletes on the master.
import { HadrillError } from '../../../core/errors.js';
import { initialWriter } from '../../../core/scenario/scenario.js';
import { PORTS } from '../../../core/plan/topology-plan.js';
import type { GroupContext } from '../../host/group-engine.js';
import { redisRole, withRedis } from './control.js';

const OWN_KEYS = 'hadrill:*';

export async function checkAttachedRedis(ctx: GroupContext): Promise<void> {
  const master = ctx.nodes.find((c) => c.node === initialWriter(ctx.group)?.name);
  if (!master) return;
  const role = await redisRole(master.ip, ctx.secrets).catch((error: unknown) => {
    throw new HadrillError('setup', `${ctx.group.name}: hadrill cannot read ${master.node} (${master.name} at ${master.ip}): ${(error as Error).message}`, {
      hint: 'Check the password the scenario names (its environment variable or file) and that the node runs.',
    });
  });
  if (role.role !== 'master') {
    throw new HadrillError('setup', `${ctx.group.name}: the scenario says ${master.node} is the master, but it is a ${role.role} of ${role.masterHost ?? 'nobody'}.`, {
      hint:
        ctx.group.failover.kind === 'sentinel'
          ? `Give role: master to the node that is the master now, or move the master back first (\`redis-cli -p 26379 SENTINEL FAILOVER ${ctx.group.failover.masterName}\` on a Sentinel, after an earlier drill's failover).`
          : 'Give role: master to the node that is the master now.',
    });
  }
}

/** Deletes hadrill's keys on every node that is a master now; replicas follow. */
export async function releaseAttachedRedis(ctx: GroupContext): Promise<string> {
  let deleted = 0;
  const masters: string[] = [];
  for (const c of ctx.nodes) {
    const role = await redisRole(c.ip, ctx.secrets).catch(() => null);
    if (role?.role !== 'master') continue;
    masters.push(c.node);
    deleted += await withRedis(c.ip, PORTS.redis, ctx.secrets.redisPassword, async (r) => {
      let count = 0;
      let cursor = '0';
      do {
        const [next, keys] = (await r.scan(cursor, 'MATCH', OWN_KEYS, 'COUNT', 1000)) as [string, string[]];
        cursor = next;
        if (keys.length > 0) count += await r.del(...keys);
      } while (cursor !== '0');
      return count;
    }, 30_000);
  }
  if (masters.length === 0) return `${ctx.group.name}: no node is a master, so hadrill's keys (${OWN_KEYS}) are still on its nodes`;
  return `${ctx.group.name}: deleted ${deleted} of hadrill's keys (${OWN_KEYS}) on ${masters.join(', ')}`;
}
