// Tier 2 under MHA behind HAProxy: the user's own failover stack.
import { sloIntro, settleAndWindow, type Starter } from './starter.js';

export const mhaProxy: Starter = {
  tier: 'mha-proxy',
  summary: 'Tier 2 under MHA with an HAProxy in each client IDC, the stack many MySQL shops run',
  mirrors: 'scenarios/stacks/mha-proxy.yaml',
  body: `# The tier: hot standby (one writer, replicas in other IDCs), failed over by
# MHA (Debian's mha4mysql 0.58) instead of hadrill's manager, with clients
# behind an HAProxy in their own IDC that health-checks every node for
# read_only off. Neither needs anything from the other: the proxy finds the
# writer MHA promoted. docs/stacks.md drills it beside hadrill's manager.

# name: the run's name (containers are hadrill-<name>-<node>); lower-case letters,
# digits and dashes, at most 24 characters. tier and description label the report.
name: mha-proxy
tier: hot-standby
description: Hot standby failed over by MHA behind HAProxy; power loss of the primary's IDC

# idcs: the data centres, one Docker network each (1 ms apart in one city).
idcs:
  - { name: idc-a, city: city-1 }
  - { name: idc-b, city: city-1 }
  - { name: idc-c, city: city-1 }

# groups: one MySQL group, a node per IDC. MHA runs in idc-c with the third
# node, so losing idc-a leaves it running; it pings the primary every second
# (pingType: select, or connect) and promotes the most advanced replica.
groups:
  - name: mysql
    kind: mysql
    image: hadrill                # hadrill's own image, built by \`hadrill doctor --fix\`
    replication: async
    nodes:
      - { name: db-a, idc: idc-a, role: primary }
      - { name: db-b, idc: idc-b, role: replica }
      - { name: db-c, idc: idc-c, role: replica }
    failover: { kind: mha, idc: idc-c, pingInterval: 1s }
    # hadrill's manager instead: failover: { kind: manager, idc: idc-c }

# workload: the clients (one agent container each, in its IDC). writes: proxy
# goes through an HAProxy in the client's IDC: a check every second, a node
# out after 3 failures, back after 2 successes (proxy: { idc: idc-c } for one
# shared proxy). writes: writable instead: the client tries the nodes in
# order and keeps the first that takes writes, as multi-host connectors do.
workload:
  clients:
    - { idc: idc-a }
    - { idc: idc-b }
  groups:
    - { group: mysql, writesPerSecond: 20, readsPerSecond: 10, writes: proxy, proxy: { checkInterval: 1s, fall: 3, rise: 2 }, reads: local }
  opTimeout: 2s                   # after this an operation's outcome is unknown

# drill: the fault timeline. idc-a loses power at 8 s: MHA must notice, pick
# and promote a replica, and HAProxy must find it. Other faults:
# docs/faults.md, e.g. a lossy link, where no false failover should happen:
#   - { at: 8s, fault: degrade, between: [idc-a, idc-c], loss: 20%, duration: 20s }
drill:
  timeline:
    - { at: 8s, fault: power, idc: idc-a }
  recovery: 25s                   # after the last fault: the failover has this long
${settleAndWindow('5s')}

${sloIntro('rto=10s')}
# Measured on hadrill's CI (docs/stacks.md): RTO 12 s under MHA (6 s under
# hadrill's manager), HAProxy's reroute 1.3-1.7 s of it, 0 lost. Replication
# is async, so a loss is possible: counted, not bounded here.
slo:
  rto: 40s
`,
};
