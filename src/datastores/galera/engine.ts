// Galera groups are planned (their nodes, commands and client routes render
// with `hadrill compose`) but not yet brought up or read: `up` refuses them,
// naming what is missing, before it creates anything.
import type { GroupEngine } from '../group-engine.js';

const NOT_YET = 'Galera groups are not driven by this hadrill yet';

export const galeraEngine: GroupEngine = {
  missing(group) {
    return `group "${group.name}" is a Galera cluster: hadrill plans its nodes (see \`hadrill compose\`) but does not yet bootstrap the cluster, read its converged state or drill it`;
  },
  bootstrap: () => Promise.reject(new Error(NOT_YET)),
  writer: () => Promise.reject(new Error(NOT_YET)),
  finalRead: () => Promise.reject(new Error(NOT_YET)),
  catchUp: () => Promise.resolve(),
  convergencePending: () => Promise.resolve([]),
  milestones: () => Promise.resolve({ detectedMs: [], promotedMs: [] }),
  lag: () => [],
  backups: () => [],
  nodeRow: () => Promise.reject(new Error(NOT_YET)),
  replication: () => Promise.reject(new Error(NOT_YET)),
};
