// Tier 5a, cross-city multi-active, synchronous (Galera).
import { sloIntro, settleAndWindow, type Starter } from './starter.js';

export const multiActiveGalera: Starter = {
  tier: 'multi-active-galera',
  summary: 'Tier 5a: a Galera cluster across three cities, every city writing locally; one IDC isolated',
  mirrors: 'scenarios/multi-active-galera.yaml',
  body: `# The tier: every city writes locally to its own node of one Galera cluster; a
# commit waits for certification by the others, so no acknowledged write is
# lost and nodes cannot diverge, at the price of write latency that grows with
# the distance to the farthest quorum member. A node cut off from the majority
# stops taking writes. Redis is a cache per city, used by that city's clients.
# (scenarios/multi-active-galera.yaml also runs the same cluster in one city
# beside it, to measure what the distance costs.)

# name: the run's name (containers are hadrill-<name>-<node>); lower-case letters,
# digits and dashes, at most 24 characters. tier and description label the report.
name: multi-active-galera
tier: multi-active
description: Galera across three cities, every IDC writing locally; isolation of one IDC

# idcs: the data centres, one Docker network each, one per city. network: the
# round trip between cities, which every commit pays.
idcs:
  - { name: idc-a, city: city-1 }
  - { name: idc-b, city: city-2 }
  - { name: idc-c, city: city-3 }
network:
  crossCityLatency: 30ms

# groups: the datastores. A galera group has members (no role to give) and no
# failover machinery: the cluster's own quorum decides, and its writes are
# judged against the state its nodes converge to.
groups:
  - name: mysql
    kind: galera
    nodes:
      - { name: db-a, idc: idc-a }
      - { name: db-b, idc: idc-b }
      - { name: db-c, idc: idc-c }
  - name: cache-a
    kind: redis
    nodes: [{ name: redis-a, idc: idc-a, role: master }]
  - name: cache-b
    kind: redis
    nodes: [{ name: redis-b, idc: idc-b, role: master }]
  - name: cache-c
    kind: redis
    nodes: [{ name: redis-c, idc: idc-c, role: master }]

# workload: a client in each IDC. writes: local writes to the client's own
# IDC's node; from: limits a group to the clients of those IDCs.
workload:
  clients:
    - { idc: idc-a }
    - { idc: idc-b }
    - { idc: idc-c }
  groups:
    - { group: mysql, writesPerSecond: 20, readsPerSecond: 10, writes: local, reads: local, from: [idc-a, idc-b, idc-c] }
    - { group: cache-a, writesPerSecond: 20, readsPerSecond: 10, from: [idc-a] }
    - { group: cache-b, writesPerSecond: 20, readsPerSecond: 10, from: [idc-b] }
    - { group: cache-c, writesPerSecond: 20, readsPerSecond: 10, from: [idc-c] }
  opTimeout: 2s                   # after this an operation's outcome is unknown

# drill: the fault timeline. idc-c is isolated at 5 s for 15 s (its processes
# run on, its links are cut): its node loses quorum and refuses writes, the
# other two go on; after the heal it rejoins and converges. Other faults:
# docs/faults.md, e.g. a power loss instead:
#   - { at: 5s, fault: power, idc: idc-c }
drill:
  timeline:
    - { at: 5s, fault: isolate, idc: idc-c, duration: 15s }
  recovery: 25s                   # after the last fault: the cluster has this long
${settleAndWindow('5s')}

${sloIntro('rto=10s')}
# Measured on hadrill's CI (docs/tiers.md): Galera RTO about 6 s, 0 lost, 0
# divergent; the caches never stop. Synchronous certification promises the
# zeros, so they are bounds; p99WriteDuringFault bounds what a commit across
# three cities costs (about 100 ms at p99 here).
slo:
  rto: 30s
  groups:
    mysql: { lostWrites: 0, divergentRows: 0 }
    # mysql: { lostWrites: 0, divergentRows: 0, p99WriteDuringFault: 500ms }
`,
};
