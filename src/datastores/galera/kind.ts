// MariaDB Galera clusters: every node takes writes, certified by all; the
// cluster's own quorum decides who serves.
import type { DatastoreKind } from '../kind.js';
import { galeraEngine } from './host/engine.js';
import { galeraModel } from './model.js';
import { galeraPlanner } from './plan/plan.js';

export const galeraKind = {
  name: 'galera' as const,
  model: galeraModel,
  planner: galeraPlanner,
  engine: galeraEngine,
  // Galera speaks MySQL: its groups share MySQL's columns; it has no replication lag to sample.
  report: { family: 'MySQL', lagChart: false, certifies: true },
  imagePackages: ['galera-4'],
  holdsDalShards: () => false,
} satisfies DatastoreKind<'galera'>;
