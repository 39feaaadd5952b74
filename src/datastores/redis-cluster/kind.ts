// Redis Cluster groups: masters sharing the hash slots, replicas in other
// IDCs, and the cluster's own failover (a majority of masters elects a
// replica after cluster-node-timeout); clients follow its slot map.
import type { DatastoreKind } from '../kind.js';
import { redisClusterEngine } from './host/engine.js';
import { redisClusterModel } from './model.js';
import { redisClusterPlanner } from './plan/plan.js';

export const redisClusterKind = {
  name: 'redis-cluster' as const,
  model: redisClusterModel,
  planner: redisClusterPlanner,
  engine: redisClusterEngine,
  report: { family: 'Redis', lagChart: false, certifies: false },
  // Debian's redis-server 7 has cluster mode built in.
  imagePackages: ['redis-server'],
  holdsDalShards: () => false,
} satisfies DatastoreKind<'redis-cluster'>;
