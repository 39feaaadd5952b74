// Tier 2, hot standby with semi-synchronous replication.
import { settleAndWindow, type Starter } from './starter.js';

export const hotStandbySemisync: Starter = {
  tier: 'hot-standby-semisync',
  summary: 'Tier 2 with semi-sync replication: no acknowledged MySQL write lost, at the same RTO',
  mirrors: 'scenarios/hot-standby-semisync.yaml',
  body: `# The tier: one writer per datastore, a standby in another IDC, failover
# machinery in a third IDC. With semi-sync the primary acknowledges a write only
# once the standby has received it, so a lost primary loses no acknowledged
# write: writes stall (their outcome unknown) instead of being acknowledged and
# lost. Redis has no semi-sync: its losses are counted, not bounded.

# name: the run's name (containers are hadrill-<name>-<node>); lower-case letters,
# digits and dashes, at most 24 characters. tier and description label the report.
name: hot-standby-semisync
tier: hot-standby
description: Active/standby across two IDCs with semi-sync replication; power loss of the primary IDC

# idcs: the data centres, one Docker network each (1 ms apart in one city, 30 ms
# between cities). idc-c is a witness: the manager and the third Sentinel.
idcs:
  - { name: idc-a, city: city-1 }
  - { name: idc-b, city: city-1 }
  - { name: idc-c, city: city-1 }

# groups: the datastores, each with its nodes (in IDCs, with a role) and the
# failover machinery that names its writer.
groups:
  - name: mysql
    kind: mysql
    image: hadrill                # hadrill's own image, built by \`hadrill doctor --fix\`
    replication: semi-sync
    # Semi-sync falls back to async when no standby answers for this long. Longer
    # than the drill, it never does here, so every acknowledged write is on the
    # standby. Set yours to what production uses (10 s is MariaDB's default)
    # and the drill shows what the fallback costs.
    semiSyncTimeout: 120s
    nodes:
      - { name: db-a, idc: idc-a, role: primary }
      - { name: db-b, idc: idc-b, role: replica }
    # hadrill's manager in idc-c: probes every 500 ms, dead after 3 failures, promotes db-b.
    failover: { kind: manager, idc: idc-c, checkInterval: 500ms, failureThreshold: 3, connectTimeout: 1s }
  - name: redis
    kind: redis
    nodes:
      - { name: redis-a, idc: idc-a, role: master }
      - { name: redis-b, idc: idc-b, role: replica }
    failover:
      kind: sentinel
      sentinels: [{ idc: idc-a }, { idc: idc-b }, { idc: idc-c }]
      quorum: 2                   # Sentinels that must agree the master is down
      downAfter: 2s
      failoverTimeout: 10s

# workload: the clients (one agent container each, in its IDC) and what they do
# to each group: writes follow the announced writer, reads go to the client's
# own IDC's node.
workload:
  clients:
    - { idc: idc-a }
    - { idc: idc-b }
  groups:
    - { group: mysql, writesPerSecond: 20, readsPerSecond: 10, writes: writer, reads: local }
    - { group: redis, writesPerSecond: 20, readsPerSecond: 10, writes: writer, reads: local }
  opTimeout: 2s                   # after this an operation's outcome is unknown

# drill: the fault timeline. The standby stops receiving at 4 s (under async this
# backlog would be lost), then idc-a loses power at 7 s. With semi-sync the
# primary's commits wait instead of acknowledging what the standby lacks.
# Other faults (freeze, isolate, cut, degrade, partition, crash, switchover):
# docs/faults.md.
drill:
  timeline:
    - { at: 4s, fault: replication-stop, node: db-b }
    - { at: 7s, fault: power, idc: idc-a }
  recovery: 20s                   # after the last fault: the failover has this long
${settleAndWindow('5s')}

# slo: the bounds the drill is judged by (exit 1 when one is broken). Top-level
# keys bound every group; groups: one group. Known bounds: rto, lostWrites,
# p99WriteDuringFault, divergentRows, conflicts, p99StaleRead, splitBrain. Try
# one without editing: hadrill drill FILE --slo rto=10s.
# Measured on hadrill's CI (docs/tiers.md): MySQL RTO about 6 s and 0 lost;
# Redis 3-10 s, and sometimes hundreds of writes lost to a split brain, which is
# why lostWrites bounds the mysql group only.
slo:
  rto: 30s
  groups:
    mysql: { lostWrites: 0 }
`,
};
