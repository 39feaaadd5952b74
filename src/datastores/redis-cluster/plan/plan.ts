// A Redis Cluster group's containers: one per node, each announcing its own
// address to the others and to clients; the cluster's failover runs inside
// the nodes, so there is no machinery container. Clients get every node's
// address and follow the cluster's own slot map.
import { secretFile } from '../../../core/plan/container-files.js';
import type { GroupPlanner, PlanContext, PlannedGroup } from '../../../core/plan/group-planner.js';
import type { AgentGroupConfig } from '../../../core/plan/runtime-configs.js';
import { PORTS } from '../../../core/plan/topology-plan.js';
import { OWN_IMAGE, type Group } from '../../../core/scenario/scenario.js';
import { clusterSettings } from '../model.js';
import { clusterConf, clusterNodeCommand } from './commands.js';
import { workloadLogin } from '../../../core/redis-acl.js';

export const redisClusterPlanner: GroupPlanner = {
  plan(group: Group, ctx: PlanContext): PlannedGroup {
    const settings = clusterSettings(group);
    const { secrets } = ctx.inputs;
    const password = secrets.redisPassword;
    const nodes = group.nodes.map((n) => {
      const c = ctx.add(group.kind, n.name, n.idc, group.image, [], { files: [secretFile('redis.conf', clusterConf(password, secrets.redisAppPassword), group.image === OWN_IMAGE)] });
      c.cmd = clusterNodeCommand({ ip: c.ip, nodeTimeoutMs: settings.nodeTimeoutMs, requireFullCoverage: settings.requireFullCoverage, appendOnly: settings.appendOnly });
      return c;
    });
    return {
      group,
      nodes,
      clientConfig: (_client, w): AgentGroupConfig => ({
        group: group.name,
        kind: group.kind,
        writesPerSecond: w.writesPerSecond,
        // Reads are not offered: a read of the client's latest write would need a key per client, on one shard.
        readsPerSecond: 0,
        inFlight: w.inFlight,
        write: { via: 'nodes', hosts: nodes.map((c) => c.ip) },
        readHost: null,
        port: PORTS.redis,
        ...workloadLogin(secrets),
        database: '',
        // One key per write, so writes spread over every shard: a shared key would be on another slot (CROSSSLOT).
        keys: 0,
      }),
    };
  },
};
