// Every datastore kind's planner, handed to the topology planner by the
// engine and the CLI (core never imports src/datastores).
import type { Planners } from '../core/plan/group-planner.js';
import { dalPlanner } from './dal/plan/plan.js';
import { galeraPlanner } from './galera/plan/plan.js';
import { mysqlPlanner } from './mysql/plan/plan.js';
import { redisPlanner } from './redis/plan/plan.js';

export const PLANNERS: Planners = {
  groups: { mysql: mysqlPlanner, galera: galeraPlanner, redis: redisPlanner },
  dal: dalPlanner,
};
