// Redis Cluster across three IDCs: its own failover, no Sentinel.
import { sloIntro, settleAndWindow, type Starter } from './starter.js';

export const redisCluster: Starter = {
  tier: 'redis-cluster',
  summary: 'Redis Cluster over three IDCs, its own failover; one IDC lost, then a master left in a minority',
  mirrors: 'scenarios/redis-cluster.yaml',
  body: `# The tier: three Redis masters, one per IDC, share the 16384 hash slots; each
# has a replica in another IDC, so losing any one IDC leaves every shard a copy
# to promote. The cluster fails over by itself: a majority of masters flags a
# silent master FAIL after cluster-node-timeout and its replica wins an
# election. Clients follow the cluster's slot map (MOVED and ASK).

# name: the run's name (containers are hadrill-<name>-<node>); lower-case letters,
# digits and dashes, at most 24 characters. tier and description label the report.
name: redis-cluster
tier: redis-cluster
description: Redis Cluster over three IDCs; power loss of one IDC, then a partition that leaves one master with a minority

# idcs: the data centres, one Docker network each (1 ms apart in one city).
idcs:
  - { name: idc-a, city: city-1 }
  - { name: idc-b, city: city-1 }
  - { name: idc-c, city: city-1 }

# groups: one redis-cluster group. The n-th replica follows the n-th master,
# and never in its master's IDC. hadrill forms the cluster and gives the
# masters equal slot ranges; each slot's writes are judged against the master
# that owns it at the end.
groups:
  - name: cache
    kind: redis-cluster
    clusterNodeTimeout: 3s        # failure detection, and how long a cut-off master takes writes
    # appendOnly: true            # a master restarted before its replica's promotion keeps its data
    nodes:
      - { name: m-a, idc: idc-a, role: master }
      - { name: m-b, idc: idc-b, role: master }
      - { name: m-c, idc: idc-c, role: master }
      - { name: r-a, idc: idc-b, role: replica }
      - { name: r-b, idc: idc-c, role: replica }
      - { name: r-c, idc: idc-a, role: replica }

# workload: a client in each IDC, writing one key per operation through a
# cluster client that follows the slot map (reads and shared keys are not
# offered for this kind).
workload:
  clients: [{ idc: idc-a }, { idc: idc-b }, { idc: idc-c }]
  groups:
    - { group: cache, writesPerSecond: 20, reads: none }
  opTimeout: 1s                   # after this an operation's outcome is unknown

# drill: the fault timeline. idc-a (master m-a, replica r-c) loses power at 5 s
# for 15 s: r-a takes m-a's slots over. At 40 s idc-c is isolated for 12 s,
# leaving master m-c with a minority: it goes on acknowledging its local
# client's writes until cluster-node-timeout, the majority promotes r-c, and
# after the heal those writes are gone. Other faults: docs/faults.md.
drill:
  timeline:
    - { at: 5s, fault: power, idc: idc-a, duration: 15s }
    - { at: 40s, fault: isolate, idc: idc-c, duration: 12s }
  recovery: 12s                   # after the last fault
${settleAndWindow('8s')}

${sloIntro('rto=10s')}
# Measured on hadrill's CI (docs/tiers.md): RTO about 7.6 s, 2 writes lost, both
# acknowledged by the master left in the minority. Redis Cluster promises no
# zero here, so lost writes are counted, not bounded; lostWrites: N states what
# your cache can lose.
slo:
  rto: 30s
  # lostWrites: 50
`,
};
