// A Redis Cluster group's clients in the agent: a writer that follows the
// cluster's slot map; no reader (see plan/plan.ts).
import type { GroupClientsFactory } from '../../../clients/group-clients.js';
import { READY_MS } from '../../../clients/group-clients.js';
import { ClusterWriter } from './cluster-writer.js';

export const redisClusterClients: GroupClientsFactory = (config, client, _idc, opTimeoutMs) => {
  const w = config.write;
  if (w.via !== 'nodes') throw new Error(`group ${config.group}: a Redis Cluster is written through its nodes, not by ${w.via}`);
  const writer = new ClusterWriter({ hosts: w.hosts, port: config.port, user: config.user, password: config.password, client, opTimeoutMs });
  return {
    write: writer.write,
    read: null,
    async start() {
      await writer.ready(READY_MS);
    },
    async stop() {
      await writer.stop();
    },
  };
};
