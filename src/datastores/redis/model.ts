// What the scenario says of a Redis group: a master and its replicas, watched
// by Sentinels (or restored from a cold backup), no settings of its own.
// Pure: the parser reads it.
import type { KindModel } from '../../core/scenario/kind-model.js';
import type { Raw } from '../../core/scenario/parse-support.js';

export const redisModel: KindModel = {
  name: 'redis',
  writerRole: 'master',
  roles: ['master', 'replica', 'standby'],
  failovers: ['sentinel', 'restore', 'none'],
  defaultFailover: () => 'none',
  settings: () => ({}),
  authority: () => 'writer',
  // Redis clients find their master through Sentinel or a fixed address; no proxy or multi-host route is built for them.
  findsWritableNode: () => false,
  switchover: (group, to) =>
    group.failover.kind !== 'sentinel'
      ? 'only Sentinels move a Redis master on purpose (SENTINEL FAILOVER); this group has none'
      : to !== null
        ? `Sentinel chooses the replica itself: leave out "to" (it was "${to}")`
        : null,
  noColdBackup: null,
  checkGroup: () => undefined,
  stoppableReplicas: () => [],
  shorthand: {
    section: 'redis',
    failoverPath: ['redis'],
    // The shorthand's failover settings are the section's own keys.
    expand: (raw: Raw): Raw => {
      const { sentinels, quorum, downAfter, failoverTimeout, ...rest } = raw;
      return { ...rest, name: 'redis', kind: 'redis', failover: { kind: 'sentinel', sentinels, quorum, downAfter, failoverTimeout } };
    },
  },
  schemaProperties: {},
};
