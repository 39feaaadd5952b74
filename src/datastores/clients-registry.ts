// The agent's side of the registry: each kind's clients by the same names as
// registry.ts (a kind missing here does not compile), and the data access
// layer's for groups it routes. Only the clients are imported, so the agent
// loads no planner or engine.
import type { GroupClients } from '../clients/group-clients.js';
import type { GroupClientsFactory } from '../clients/group-clients.js';
import type { AgentGroupConfig } from '../core/plan/runtime-configs.js';
import { dalClients } from './dal/inside/clients.js';
import { mysqlClients } from './mysql/inside/clients.js';
import type { KindName } from './registry.js';
import { redisClients } from './redis/inside/clients.js';
import { redisClusterClients } from './redis-cluster/inside/clients.js';

const CLIENTS: Readonly<Record<KindName, GroupClientsFactory>> = {
  mysql: mysqlClients,
  galera: mysqlClients,
  redis: redisClients,
  'redis-cluster': redisClusterClients,
};

export function groupClients(config: AgentGroupConfig, client: string, idc: string, opTimeoutMs: number): GroupClients {
  if (config.write.via === 'dal') return dalClients(config, client, idc, opTimeoutMs);
  const make = (CLIENTS as Readonly<Record<string, GroupClientsFactory>>)[config.kind];
  if (!make) throw new Error(`group ${config.group}: no clients for datastore kind "${config.kind}"`);
  return make(config, client, idc, opTimeoutMs);
}
