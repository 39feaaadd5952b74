// Tier 3, same-city active-active.
import { sloIntro, settleAndWindow, type Starter } from './starter.js';

export const sameCityActiveActive: Starter = {
  tier: 'same-city-active-active',
  summary: 'Tier 3: two IDCs of one city both serving reads, one primary for writes; each IDC lost in turn',
  mirrors: 'scenarios/same-city-active-active.yaml',
  body: `# The tier: two IDCs of one city, 1 ms apart, both serving. Each datastore
# has one writer (in idc-a) and a replica in idc-b; clients in both IDCs write
# through the announced writer and read their own IDC's node. A witness IDC in
# the same city holds the failover manager and the third Sentinel, so the loss
# of either serving IDC leaves a majority.

# name: the run's name (containers are hadrill-<name>-<node>); lower-case letters,
# digits and dashes, at most 24 characters. tier and description label the report.
name: same-city-active-active
tier: same-city-active-active
description: Two IDCs of one city both serving, writes to one primary; loss of the standby's IDC, then of the primary's

# idcs: the data centres, one Docker network each. network: the round trip
# between IDCs of one city (crossCityLatency for IDCs in different cities).
idcs:
  - { name: idc-a, city: city-1 }
  - { name: idc-b, city: city-1 }
  - { name: idc-c, city: city-1 }
network:
  sameCityLatency: 1ms

# groups: the datastores, each with its nodes (in IDCs, with a role) and the
# failover machinery that names its writer.
groups:
  - name: mysql
    kind: mysql
    replication: async            # or semi-sync: no acknowledged write lost
    nodes:
      - { name: db-a, idc: idc-a, role: primary }
      - { name: db-b, idc: idc-b, role: replica }
    # hadrill's manager in the witness IDC: probes every 500 ms, dead after 3 failures.
    failover: { kind: manager, idc: idc-c, checkInterval: 500ms, failureThreshold: 3, connectTimeout: 1s }
  - name: redis
    kind: redis
    nodes:
      - { name: redis-a, idc: idc-a, role: master }
      - { name: redis-b, idc: idc-b, role: replica }
    failover:
      kind: sentinel              # one Sentinel per listed IDC; quorum: a majority by default
      sentinels: [{ idc: idc-a }, { idc: idc-b }, { idc: idc-c }]
      downAfter: 2s
      failoverTimeout: 10s

# workload: the clients (one agent container each, in its IDC) and what they do
# to each group. idc-b's clients pay the cross-IDC round trip on every write
# and read locally (stale reads of the replica are measured).
workload:
  clients:
    - { idc: idc-a }
    - { idc: idc-b }
  groups:
    - { group: mysql, writesPerSecond: 20, readsPerSecond: 10, writes: writer, reads: local }
    - { group: redis, writesPerSecond: 20, readsPerSecond: 10, writes: writer, reads: local }
  opTimeout: 2s                   # after this an operation's outcome is unknown

# drill: the fault timeline. idc-b (the replicas) loses power at 5 s for 10 s:
# the writers must not notice. Then idc-a (the writers) loses power at 25 s and
# both groups fail over to idc-b. Other faults: docs/faults.md, e.g.
#   - { at: 25s, fault: isolate, idc: idc-a, duration: 15s }
drill:
  timeline:
    - { at: 5s, fault: power, idc: idc-b, duration: 10s }
    - { at: 25s, fault: power, idc: idc-a }
  recovery: 20s                   # after the last fault: the failover has this long
${settleAndWindow('5s')}

${sloIntro('rto=10s')}
# Measured on hadrill's CI (docs/tiers.md): MySQL RTO about 6 s, Redis 3-4 s
# (once 23 s), 0-2 writes lost. Replication is async, so a loss is possible and
# not bounded here; with semi-sync, add groups: { mysql: { lostWrites: 0 } }.
slo:
  rto: 30s
  # p99StaleRead: 1s             # how far behind a local read may be
`,
};
