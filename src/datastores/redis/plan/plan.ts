// A Redis group's containers: master and replicas, the Sentinels that watch
// them (or a cold backup's restore manager), and how a client reaches it.
import { secretFile } from '../../../core/plan/container-files.js';
import type { GroupPlanner, PlanContext, PlannedGroup } from '../../../core/plan/group-planner.js';
import type { AgentGroupConfig, ServerAccess, WriteTarget } from '../../../core/plan/runtime-configs.js';
import { PORTS, readHostFor, type ContainerPlan } from '../../../core/plan/topology-plan.js';
import { initialWriter, OWN_IMAGE, type Group, type GroupWorkload, type WorkloadClient } from '../../../core/scenario/scenario.js';
import { planColdBackup } from '../../cold-backup/plan/plan.js';
import { REDIS_DATA_DIR, redisCommand, redisConf, sentinelEnv } from './commands.js';
import { workloadLogin } from '../../../core/redis-acl.js';

/** Redis's default replica-priority, and a worse one for replicas the Sentinels should promote last. */
const SAME_CITY_PRIORITY = 100;
const OTHER_CITY_PRIORITY = 200;

export const redisPlanner: GroupPlanner = {
  plan(group: Group, ctx: PlanContext): PlannedGroup {
    const g = group;
    const { secrets } = ctx.inputs;
    const persistent = g.backup !== null;
    const nodes = g.nodes.map((n) =>
      ctx.add('redis', n.name, n.idc, g.image, [], { files: [secretFile('redis.conf', redisConf(secrets.redisPassword, secrets.redisAppPassword), g.image === OWN_IMAGE)] }),
    );
    const master = nodes.find((c) => c.node === initialWriter(g)?.name) ?? null;
    const replicaOf = (c: ContainerPlan): string | null => (c === master || g.nodes.find((n) => n.name === c.node)?.role === 'standby' ? null : (master?.ip ?? null));
    // With prefer: same-city, a replica outside the master's city is the Sentinels' last choice, as a DR replica is set up.
    const masterCity = ctx.cityOf(master?.idc ?? '');
    const priority = (c: ContainerPlan): number | null =>
      g.failover.kind === 'sentinel' && g.failover.prefer === 'same-city' ? (ctx.cityOf(c.idc) === masterCity ? SAME_CITY_PRIORITY : OTHER_CITY_PRIORITY) : null;
    // Sentinel-managed nodes keep the configuration Sentinel rewrites, as installed Redis nodes do.
    const keepConfig = g.failover.kind === 'sentinel' && g.image === OWN_IMAGE;
    for (const c of nodes) c.cmd = redisCommand({ masterIp: replicaOf(c), persistent, replicaPriority: priority(c), keepConfig });

    const f = g.failover;
    const sentinels =
      f.kind === 'sentinel'
        ? f.sentinels.map((s) =>
            ctx.add('sentinel', s.name, s.idc, OWN_IMAGE, ['hadrill-sentinel'], {
              env: sentinelEnv(f, f.masterName, master?.ip ?? ''),
              files: [secretFile('redis-password', secrets.redisPassword, true), secretFile('sentinel-password', secrets.sentinelPassword, true)],
            }),
          )
        : [];
    const access = (c: ContainerPlan): ServerAccess => ({ kind: 'redis', host: c.ip, port: PORTS.redis, user: '', password: secrets.redisPassword });
    const restoreUrl = planColdBackup(g, ctx, nodes, { access, serverCommand: (c) => redisCommand({ masterIp: replicaOf(c), persistent: true, startClosed: true }), dataDir: REDIS_DATA_DIR });

    const roles = new Map(g.nodes.map((n) => [n.name, n.role]));
    const writeTarget = (w: GroupWorkload, client: WorkloadClient): WriteTarget => {
      const token = secrets.managerToken;
      if (w.writes === 'dal') return { via: 'dal', url: `http://${ctx.dalIn(client.idc)?.ip ?? ''}:${PORTS.dal}`, token };
      // The master, if it is in the client's IDC: a replica there refuses writes (the parser checks there is one).
      if (w.writes === 'local') return { via: 'node', host: nodes.find((c) => c.idc === client.idc && roles.get(c.node) === 'master')?.ip ?? '' };
      if (sentinels.length > 0) return { via: 'sentinel', sentinels: sentinels.map((s) => ({ host: s.ip, port: PORTS.sentinel })), masterName: f.kind === 'sentinel' ? f.masterName : '', sentinelPassword: secrets.sentinelPassword };
      if (restoreUrl !== null) return { via: 'announcement', url: restoreUrl, token, initialHost: master?.ip ?? '' };
      return { via: 'node', host: master?.ip ?? '' };
    };
    return {
      group: g, nodes,
      clientConfig: (client, w): AgentGroupConfig => ({
        group: g.name,
        kind: 'redis',
        writesPerSecond: w.writesPerSecond,
        readsPerSecond: w.readsPerSecond,
        inFlight: w.inFlight,
        write: writeTarget(w, client),
        readHost: readHostFor(nodes, roles, client.idc, w.reads, master?.ip ?? null),
        port: PORTS.redis,
        ...workloadLogin(secrets),
        database: '',
      }),
    };
  },
};
