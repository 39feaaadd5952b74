// Tier 1, cold backup.
import { sloIntro, settleAndWindow, type Starter } from './starter.js';

export const coldBackup: Starter = {
  tier: 'cold-backup',
  summary: 'Tier 1: a writer copied cold to another city every 10 s, restored onto a standby after a power loss',
  mirrors: 'scenarios/cold-backup.yaml',
  body: `# The tier: one writer and no live replica. Every 10 s the writer's server is
# stopped, its data copied to backup storage in the other city and started
# again. When the writer's IDC is lost, a restore manager restores the newest
# complete backup onto a standby that held no data and announces it. Cheap, but
# everything written since that backup began is lost: the drill counts exactly
# those writes.

# name: the run's name (containers are hadrill-<name>-<node>); lower-case letters,
# digits and dashes, at most 24 characters. tier and description label the report.
name: cold-backup
tier: cold-backup
description: A writer backed up cold to storage in another city every 10 s; power loss of its IDC, then a restore

# idcs: the data centres, one Docker network each, and the city each is in.
# network: the round trip between cities; the backup copy crosses it, so the
# link is part of what each backup costs.
idcs:
  - { name: idc-a, city: city-1 }
  - { name: idc-b, city: city-2 }
network:
  crossCityLatency: 30ms

# groups: the datastores. backup: how often, and where the copies are kept.
# failover kind restore: the restore manager (in idc-b) restores the newest
# backup onto the standby node when the writer stops answering (probes every
# 500 ms, dead after 3 failures).
groups:
  - name: mysql
    kind: mysql
    nodes:
      - { name: db-a, idc: idc-a, role: primary }
      - { name: db-b, idc: idc-b, role: standby }
    backup: { every: 10s, storage: { idc: idc-b } }
    failover: { kind: restore, idc: idc-b, checkInterval: 500ms, failureThreshold: 3, connectTimeout: 1s }
  - name: redis
    kind: redis
    nodes:
      - { name: redis-a, idc: idc-a, role: master }
      - { name: redis-b, idc: idc-b, role: standby }
    backup: { every: 10s, storage: { idc: idc-b } }
    failover: { kind: restore, idc: idc-b, checkInterval: 500ms, failureThreshold: 3, connectTimeout: 1s }

# workload: the clients (one agent container each, in its IDC) and what they do
# to each group. writes: writer follows the restore manager's announcement. The
# standby holds nothing until it is restored, so nothing is read.
workload:
  clients:
    - { idc: idc-a }
    - { idc: idc-b }
  groups:
    - { group: mysql, writesPerSecond: 20, writes: writer, reads: none }
    - { group: redis, writesPerSecond: 20, writes: writer, reads: none }
  opTimeout: 2s                   # after this an operation's outcome is unknown

# drill: the fault timeline. idc-a loses power at 24 s, after a couple of backup
# cycles: every container in it is killed at once. Move the fault within a
# cycle to see the loss grow and shrink. Other faults: docs/faults.md.
drill:
  timeline:
    - { at: 24s, fault: power, idc: idc-a }
  recovery: 25s                   # after the fault: the restore has this long
${settleAndWindow('5s')}

${sloIntro('rto=10s')}
# Measured on hadrill's CI (docs/tiers.md): RTO 4-6 s (detection plus the
# restore; a bigger data set restores slower), and 160-200 writes lost per
# group, up to a backup cycle's worth. Lost writes are this tier's nature, so
# they are counted, not bounded: lostWrites: N states what your business accepts.
slo:
  rto: 60s
  # lostWrites: 250
`,
};
