// Tier 7, unit-based sharding (Alibaba/Taobao style).
import { sloIntro, settleAndWindow, type Starter } from './starter.js';

export const unitSharded: Starter = {
  tier: 'unit-sharded',
  summary: 'Tier 7: users sharded into regional units behind a data access layer, global data central; a unit lost',
  mirrors: 'scenarios/unit-sharded.yaml',
  body: `# The tier: a central unit (idc-a) and two regional units (idc-b, idc-c) in
# three cities. Users are sharded by id into the regional units, each user
# written only in its home unit; global data every unit needs is written in the
# central unit and synchronised to all. A DAL router in every unit sends a
# user's operation to the user's home unit; its controller moves a lost unit's
# shards, and only those.

# name: the run's name (containers are hadrill-<name>-<node>); lower-case letters,
# digits and dashes, at most 24 characters. tier and description label the report.
name: unit-sharded
tier: unit-sharded
description: Users sharded into regional units behind a data access layer, global data in a central unit; loss of one unit

# idcs: the data centres, one Docker network each, one per city. network: the
# round trip between cities.
idcs:
  - { name: idc-a, city: city-1 }
  - { name: idc-b, city: city-2 }
  - { name: idc-c, city: city-3 }
network:
  crossCityLatency: 30ms

# groups: the datastores. "users": a primary in each regional unit, replicating
# both ways so each holds a copy of the other's users. "global": a primary in
# every unit, replicating both ways, written in the central unit.
groups:
  - name: users
    kind: mysql
    replication: bidirectional
    nodes:
      - { name: users-b, idc: idc-b, role: primary }
      - { name: users-c, idc: idc-c, role: primary }
  - name: global
    kind: mysql
    replication: bidirectional
    nodes:
      - { name: global-a, idc: idc-a, role: primary }
      - { name: global-b, idc: idc-b, role: primary }
      - { name: global-c, idc: idc-c, role: primary }

# dal: the data access layer. zones: a router per unit. shards and homes: which
# unit is the home of which shard. controller: where the controller that moves
# homes runs. sharded and global name the groups.
dal:
  zones: [{ name: unit-a, idc: idc-a }, { name: unit-b, idc: idc-b }, { name: unit-c, idc: idc-c }]
  shards: 10
  homes:
    unit-b: [0, 1, 2, 3, 4]
    unit-c: [5, 6, 7, 8, 9]
  controller: { idc: idc-a }
  sharded: users
  global: global

# workload: a client per unit. Users' traffic arrives in the regional units
# (from: idc-b, idc-c), written through the unit's router (writes: dal) and read
# from the unit's own copy; the central unit's client uses global data only.
# users: the user ids written, spread over the shards.
workload:
  clients:
    - { idc: idc-a }
    - { idc: idc-b }
    - { idc: idc-c }
  groups:
    - { group: users, writesPerSecond: 20, readsPerSecond: 10, writes: dal, reads: local, from: [idc-b, idc-c] }
    - { group: global, writesPerSecond: 5, readsPerSecond: 10, writes: dal, reads: local }
  users: 1000
  opTimeout: 2s                   # after this an operation's outcome is unknown

# drill: the fault timeline. Regional unit idc-c loses power at 8 s: the
# controller moves its shards to unit-b. Other faults: docs/faults.md, e.g.
# the unit cut off instead of powered off:
#   - { at: 8s, fault: isolate, idc: idc-c, duration: 15s }
drill:
  timeline:
    - { at: 8s, fault: power, idc: idc-c }
  recovery: 25s                   # after the last fault: the moves have this long
${settleAndWindow('5s')}

${sloIntro('rto=10s')}
# Measured on hadrill's CI (docs/tiers.md): RTO 4.5-6.5 s, 0 lost, 0 conflicts.
# conflicts: 0 is the tier's promise: a user is written in one unit only.
slo:
  rto: 30s
  conflicts: 0
`,
};
