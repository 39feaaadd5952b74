// Tier 6, global zone (Eleme style).
import { sloIntro, settleAndWindow, type Starter } from './starter.js';

export const globalZone: Starter = {
  tier: 'global-zone',
  summary: 'Tier 6: data sharded by zone behind a data access layer, global data in a master zone; that zone lost',
  mirrors: 'scenarios/global-zone.yaml',
  body: `# The tier: three zones in three cities. Sharded data (users, orders) has a
# home zone per shard, so no two zones write one shard; global data that cannot
# be sharded has one writer in the master zone and a replica in every other.
# A data access layer (DAL) router in every zone sends each operation to its
# shard's home (and global writes to the master zone); its controller moves a
# lost zone's shards elsewhere under write protection.

# name: the run's name (containers are hadrill-<name>-<node>); lower-case letters,
# digits and dashes, at most 24 characters. tier and description label the report.
name: global-zone
tier: global-zone
description: Three zones, sharded data homed per zone and global data in a master zone, behind a DAL; loss of the master zone

# idcs: the data centres, one Docker network each, one per city. network: the
# round trip between cities.
idcs:
  - { name: idc-a, city: city-1 }
  - { name: idc-b, city: city-2 }
  - { name: idc-c, city: city-3 }
network:
  crossCityLatency: 30ms

# groups: the datastores. "sharded": a primary in every zone replicating to the
# others both ways (each zone the home of its shards). "global": one writer in
# the master zone, failed over by hadrill's manager in idc-b.
groups:
  - name: sharded
    kind: mysql
    replication: bidirectional
    nodes:
      - { name: shard-a, idc: idc-a, role: primary }
      - { name: shard-b, idc: idc-b, role: primary }
      - { name: shard-c, idc: idc-c, role: primary }
  - name: global
    kind: mysql
    replication: async
    nodes:
      - { name: global-a, idc: idc-a, role: primary }
      - { name: global-b, idc: idc-b, role: replica }
      - { name: global-c, idc: idc-c, role: replica }
    failover: { kind: manager, idc: idc-b }

# dal: the data access layer. zones: a router per zone, in its IDC. shards: how
# many shards the users are spread over (homed round the zones). controller:
# where the controller that moves homes runs. sharded and global name the groups.
dal:
  zones: [{ name: zone-a, idc: idc-a }, { name: zone-b, idc: idc-b }, { name: zone-c, idc: idc-c }]
  shards: 12
  controller: { idc: idc-b }
  sharded: sharded
  global: global

# workload: a client per zone. writes: dal sends every write through the
# zone's router; reads: local reads the zone's own node. users: the user ids
# written, spread over the shards.
workload:
  clients:
    - { idc: idc-a }
    - { idc: idc-b }
    - { idc: idc-c }
  groups:
    - { group: sharded, writesPerSecond: 20, readsPerSecond: 10, writes: dal, reads: local }
    - { group: global, writesPerSecond: 5, readsPerSecond: 10, writes: dal, reads: local }
  users: 1200
  opTimeout: 2s                   # after this an operation's outcome is unknown

# drill: the fault timeline. The master zone (idc-a) loses power at 8 s: the
# controller moves its shards and the global writer elsewhere. Other faults:
# docs/faults.md, e.g. the master zone cut off instead of powered off:
#   - { at: 8s, fault: isolate, idc: idc-a, duration: 15s }
drill:
  timeline:
    - { at: 8s, fault: power, idc: idc-a }
  recovery: 25s                   # after the last fault: the moves have this long
${settleAndWindow('5s')}

${sloIntro('rto=10s')}
# Measured on hadrill's CI (docs/tiers.md): RTO 4.5-7 s, 0 lost, 0 conflicts.
# conflicts: 0 is the tier's promise (one home per shard, moved under write
# protection). The global group fails over asynchronously, so its losses are
# counted, not bounded; add lostWrites: 0 once your runs show it holds.
slo:
  rto: 30s
  conflicts: 0
`,
};
