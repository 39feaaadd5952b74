// Tier 5b, cross-city multi-active, asynchronous (bidirectional replication).
import { sloIntro, settleAndWindow, type Starter } from './starter.js';

export const multiActiveAsync: Starter = {
  tier: 'multi-active-async',
  summary: 'Tier 5b: a writable primary per city replicating both ways; the link between the cities cut',
  mirrors: 'scenarios/multi-active-async.yaml',
  body: `# The tier: a primary in each city, replicating to each other asynchronously,
# every city writing locally. Nothing waits across the WAN on commit, so a cut
# between the cities stops no one; the price is paid after the heal, when both
# cities wrote one key and the later replication silently overwrites the
# earlier write: conflicts and divergent rows, counted exactly. Redis is a
# cache per city.

# name: the run's name (containers are hadrill-<name>-<node>); lower-case letters,
# digits and dashes, at most 24 characters. tier and description label the report.
name: multi-active-async
tier: multi-active
description: Two cities, each with a writable primary, replicating both ways; the link between them cut for 10 s

# idcs: the data centres, one Docker network each, one per city. network: the
# round trip between cities.
idcs:
  - { name: idc-a, city: city-1 }
  - { name: idc-b, city: city-2 }
network:
  crossCityLatency: 30ms

# groups: the datastores. replication: bidirectional makes every primary a
# replica of the others (each with its own GTID domain and auto-increment
# offset); no failover machinery, and writes are judged against the state the
# primaries converge to.
groups:
  - name: mysql
    kind: mysql
    replication: bidirectional
    nodes:
      - { name: db-a, idc: idc-a, role: primary }
      - { name: db-b, idc: idc-b, role: primary }
  - name: cache-a
    kind: redis
    nodes: [{ name: redis-a, idc: idc-a, role: master }]
  - name: cache-b
    kind: redis
    nodes: [{ name: redis-b, idc: idc-b, role: master }]

# workload: a client per city. writes: local writes to the client's own IDC's
# primary; from: limits a group to the clients of those IDCs. keys: shared keys
# every write also sets, which both cities write: where conflicts show.
workload:
  clients:
    - { idc: idc-a }
    - { idc: idc-b }
  groups:
    - { group: mysql, writesPerSecond: 20, readsPerSecond: 10, writes: local, reads: local }
    - { group: cache-a, writesPerSecond: 20, readsPerSecond: 10, from: [idc-a] }
    - { group: cache-b, writesPerSecond: 20, readsPerSecond: 10, from: [idc-b] }
  keys: 400
  opTimeout: 2s                   # after this an operation's outcome is unknown

# drill: the fault timeline. The link between the cities is cut at 5 s for 10 s:
# both sides write on, and after the heal replication catches up. Other
# faults: docs/faults.md, e.g. one city's power lost instead:
#   - { at: 5s, fault: power, idc: idc-b }
drill:
  timeline:
    - { at: 5s, fault: cut, between: [idc-a, idc-b], duration: 10s }
  recovery: 20s                   # after the last fault
${settleAndWindow('5s')}

${sloIntro('conflicts=0')}
# Measured on hadrill's CI (docs/tiers.md): RTO 0 and 0 lost (every node
# stays up, and replication delivers every write after the heal), but 63-90
# conflicts and dozens of divergent rows after a 10 s cut. Those are this
# tier's price, counted and not bounded here; the second mysql line makes the
# drill fail on them (as it should, if your data cannot take them).
slo:
  rto: 30s
  groups:
    mysql: { lostWrites: 0 }
    # mysql: { lostWrites: 0, conflicts: 0, divergentRows: 0 }
`,
};
