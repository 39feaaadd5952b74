// What the scenario says of a Redis Cluster group: masters that each hold a
// share of the 16384 hash slots, each with its replicas in other IDCs, and
// the cluster's own failover (a majority of masters elects a replica) as its
// machinery. Pure: the parser reads it.
import type { KindModel, KindSettings } from '../../core/scenario/kind-model.js';
import { ms, type Raw } from '../../core/scenario/parse-support.js';
import { OWN_IMAGE, type Group, type GroupNode } from '../../core/scenario/scenario.js';

export interface ClusterSettings {
  /** cluster-node-timeout: how long before a silent node is suspected, so also how long a cut-off master goes on taking writes. */
  nodeTimeoutMs: number;
  /** cluster-require-full-coverage: with it, the whole cluster refuses keys while any slot has no master (about a second per failover). */
  requireFullCoverage: boolean;
  /** appendonly: a master that restarts before its replica is promoted comes back with its data instead of empty. */
  appendOnly: boolean;
}

export function clusterSettings(group: Pick<Group, 'settings'>): ClusterSettings {
  return group.settings as unknown as ClusterSettings;
}

/** At least three masters, or a majority cannot survive the loss of one. */
export const MIN_MASTERS = 3;

/** The n-th replica replicates the n-th master (wrapping round when there are more replicas than masters). */
export function replicaPairs(nodes: readonly GroupNode[]): { replica: GroupNode; master: GroupNode }[] {
  const masters = nodes.filter((n) => n.role === 'master');
  if (masters.length === 0) return [];
  return nodes.filter((n) => n.role === 'replica').map((replica, i) => ({ replica, master: masters[i % masters.length]! }));
}

export const redisClusterModel: KindModel = {
  name: 'redis-cluster',
  writerRole: 'master',
  roles: ['master', 'replica'],
  failovers: ['quorum'],
  defaultFailover: () => 'quorum',
  settings(raw: Raw): KindSettings {
    const settings: ClusterSettings = {
      nodeTimeoutMs: ms(raw.clusterNodeTimeout ?? '3s'),
      requireFullCoverage: raw.clusterRequireFullCoverage ?? true,
      appendOnly: raw.appendOnly ?? false,
    };
    return settings as unknown as KindSettings;
  },
  authority: () => 'sharded',
  // A cluster's writer is each slot's master: a client follows the slot map, not one writable node.
  findsWritableNode: () => false,
  switchover: () => "a Redis Cluster moves each slot's master by itself (CLUSTER FAILOVER on a replica), which hadrill does not ask for yet",
  noColdBackup: 'a Redis Cluster group takes no cold backup: its masters hold different slots and a returning node rejoins as a replica',
  checkGroup(group, at, c) {
    const masters = group.nodes.filter((n) => n.role === 'master');
    if (masters.length < MIN_MASTERS) c.report(at('nodes'), `a Redis Cluster needs at least ${MIN_MASTERS} masters (give ${MIN_MASTERS} nodes role master), so that a majority survives the loss of one; it has ${masters.length}`);
    group.nodes.forEach((n, i) => {
      if (n.role === undefined) return;
      const pair = replicaPairs(group.nodes).find((p) => p.replica === n);
      // A replica beside its master dies with it: the shard could not fail over when that IDC is lost.
      if (pair && pair.master.idc === n.idc) c.report(at('nodes', i, 'idc'), `replica ${n.name} replicates master ${pair.master.name} (the n-th replica follows the n-th master), which is in the same IDC ${n.idc}: losing ${n.idc} would leave that shard nothing to fail over to; place it in another IDC or reorder the nodes`);
    });
    if (group.image !== OWN_IMAGE) c.report(at('image'), `a Redis Cluster is formed on hadrill's own image only (it prepares each node's directory before Redis starts); remove "image"`);
  },
  stoppableReplicas: () => [],
  schemaProperties: {
    clusterNodeTimeout: { $ref: '#/definitions/duration', description: 'redis-cluster: cluster-node-timeout (default 3s): failure detection, and how long a master cut off from the majority keeps taking writes' },
    clusterRequireFullCoverage: { type: 'boolean', description: 'redis-cluster: cluster-require-full-coverage (default true, as in Redis): the whole cluster refuses keys while any slot has no master' },
    appendOnly: { type: 'boolean', description: 'redis-cluster: keep an append-only file (default false), so a master restarted before its replica is promoted keeps its data' },
  },
};
