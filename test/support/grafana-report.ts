// A hand-made finished drill for the Grafana tests: three faults (one healed
// with times that are not whole milliseconds, one never healed, a switchover
// with nothing to heal), promotions in two services, one of them before any
// fault (a false failover), and a failed verdict. The services take their
// shape from the hot-standby fixture, their figures from here.
import { readFileSync } from 'node:fs';
import type { ServiceResult } from '../../src/core/check/check-types.js';
import type { Report } from '../../src/core/report/report-model.js';

export const T0 = Date.UTC(2026, 11, 8, 1, 0, 0);

export function grafanaReport(): Report {
  const fixture = JSON.parse(readFileSync(new URL('../../../test/fixtures/hot-standby-report/report.json', import.meta.url), 'utf8')) as Report;
  const [mysqlShape, redisShape] = fixture.services as [ServiceResult, ServiceResult];
  const mysql: ServiceResult = {
    ...mysqlShape,
    lost: 122,
    rtoMs: 6411.53,
    recovered: true,
    promotions: [{ atMs: T0 + 12_345.6, node: 'db-b', reason: 'master db-a unreachable' }],
    promotionsWithoutFault: [],
  };
  const redis: ServiceResult = {
    ...redisShape,
    lost: 0,
    rtoMs: null,
    recovered: false,
    promotions: [{ atMs: T0 + 11_000, node: 'redis-b', reason: null }],
    promotionsWithoutFault: [{ atMs: T0 + 2_000.2, node: 'redis-c', reason: '+switch-master' }],
  };
  return {
    ...fixture,
    scenario: { name: 'hot-standby', file: 'scenarios/hot-standby.yaml', tier: 'hot-standby' },
    run: 'ci-42',
    mode: 'drill',
    startedAt: new Date(T0).toISOString(),
    finishedAt: new Date(T0 + 60_000).toISOString(),
    faults: [
      { id: 'f1', spec: { kind: 'replication-stop', node: 'db-b' }, requestedMs: T0 + 5_000, appliedMs: T0 + 5_000.4, healedMs: T0 + 30_000.7 },
      { id: 'f2', spec: { kind: 'power', idc: 'idc-a' }, requestedMs: T0 + 8_000, appliedMs: T0 + 8_441.7, healedMs: null },
      { id: 'f3', spec: { kind: 'switchover', group: 'redis', to: null }, requestedMs: T0 + 40_000, appliedMs: T0 + 40_120, healedMs: null },
    ],
    services: [mysql, redis],
    incomplete: [],
    slos: [
      { name: 'mysql lostWrites <= 0', service: 'mysql', metric: 'lostWrites', threshold: 0, actual: 122, ok: false, message: 'mysql: 122 lost writes, over the limit of 0' },
      { name: 'redis rtoMs <= 30000', service: 'redis', metric: 'rtoMs', threshold: 30_000, actual: null, ok: false, message: 'redis: not recovered' },
    ],
    verdict: 'fail',
    notes: [],
  };
}
