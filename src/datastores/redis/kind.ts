// Redis master/replica groups, failed over by Sentinels (or restored from a
// cold backup).
import type { DatastoreKind } from '../kind.js';
import { redisEngine } from './host/engine.js';
import { redisModel } from './model.js';
import { redisPlanner } from './plan/plan.js';

export const redisKind = {
  name: 'redis' as const,
  model: redisModel,
  planner: redisPlanner,
  engine: redisEngine,
  report: { family: 'Redis', lagChart: false, certifies: false },
  imagePackages: ['redis-server', 'redis-sentinel'],
  holdsDalShards: () => false,
} satisfies DatastoreKind<'redis'>;
