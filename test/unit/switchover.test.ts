// Planned switchovers as the scenario parser reads and refuses them, as the
// fault model names them, and as the report reads them: the manager's
// switchover-started stands where a detection would, and a switchover of one
// group is no cause of another group's lost writes.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { describeFault, faultNames, startsRtoClock, isOutageFault, type FaultEvent } from '../../src/core/faults.js';
import { explainLostWrites } from '../../src/core/check/lost-causes.js';
import { managerMilestones } from '../../src/core/manager-log.js';
import { ScenarioError } from '../../src/core/errors.js';
import { parseScenario } from '../../src/core/scenario/parse-scenario.js';
import { KIND_MODELS } from '../../src/datastores/registry.js';
import type { OpRecord } from '../../src/core/history.js';

const FILE = 'scenarios/switch.yaml';

function scenario(failover: string, timeline: string, extraGroups = ''): string {
  return `name: t
idcs: [{ name: idc-a }, { name: idc-b }, { name: idc-c }]
groups:
  - name: mysql
    kind: mysql
    image: hadrill
    nodes:
      - { name: db-a, idc: idc-a, role: primary }
      - { name: db-b, idc: idc-b, role: replica }
    failover: ${failover}
  - name: redis
    kind: redis
    nodes: [{ name: redis-a, idc: idc-a, role: master }, { name: redis-b, idc: idc-b, role: replica }]
    failover: { kind: sentinel, sentinels: [{ idc: idc-a }, { idc: idc-b }, { idc: idc-c }] }
${extraGroups}workload:
  clients: [{ idc: idc-a }]
drill:
  timeline:
${timeline}`;
}

function problems(text: string): string[] {
  try {
    parseScenario(text, FILE, KIND_MODELS);
  } catch (error) {
    assert.ok(error instanceof ScenarioError, String(error));
    return error.problems.map((p) => `${p.path}: ${p.message}`);
  }
  assert.fail('the scenario was accepted');
}

describe('a switchover in the timeline', () => {
  test('names its group and, for hadrill\'s manager, the node to move to (the old primary too, for the move back)', () => {
    const s = parseScenario(
      scenario('{ kind: manager, idc: idc-c }', '    - { at: 5s, fault: switchover, group: mysql, to: db-b }\n    - { at: 9s, fault: switchover, group: mysql, to: db-a }\n    - { at: 5s, fault: switchover, group: redis }\n'),
      FILE,
      KIND_MODELS,
    );
    assert.deepEqual(
      s.drill.timeline.map((f) => f.spec),
      [
        { kind: 'switchover', group: 'mysql', to: 'db-b' },
        { kind: 'switchover', group: 'redis', to: null },
        { kind: 'switchover', group: 'mysql', to: 'db-a' },
      ],
    );
  });

  test('is refused where the machinery cannot move the writer, with the reason and the place', () => {
    assert.deepEqual(problems(scenario('{ kind: mha, idc: idc-c }', '    - { at: 5s, fault: switchover, group: mysql }\n')), [
      'drill.timeline[0].group: no planned switchover of "mysql": MHA\'s online switch refuses to run while masterha_manager watches the group, and hadrill does not stop MHA for it yet',
    ]);
    assert.match(problems(scenario('{ kind: none }', '    - { at: 5s, fault: switchover, group: mysql }\n'))[0]!, /group: .*needs hadrill's manager \(failover kind manager\), not "none"/);
    assert.match(problems(scenario('{ kind: manager }', '    - { at: 5s, fault: switchover, group: mysql, to: db-z }\n'))[0]!, /^drill\.timeline\[0\]\.to: .*"db-z" is not a node of the group that holds data; its nodes: db-a, db-b/);
    assert.match(problems(scenario('{ kind: manager }', '    - { at: 5s, fault: switchover, group: redis, to: redis-b }\n'))[0]!, /^drill\.timeline\[0\]\.to: .*Sentinel chooses the replica itself: leave out "to"/);
    assert.match(problems(scenario('{ kind: manager }', '    - { at: 5s, fault: switchover, group: nope }\n'))[0]!, /^drill\.timeline\[0\]\.group: unknown group "nope"; groups: mysql, redis/);
    assert.match(problems(scenario('{ kind: manager }', '    - { at: 5s, fault: switchover }\n'))[0]!, /switchover needs "group"/);
  });

  test('is no outage, starts the RTO clock, and reads as what it does', () => {
    const spec = { kind: 'switchover' as const, group: 'mysql', to: 'db-b' };
    assert.equal(isOutageFault(spec), false);
    assert.equal(startsRtoClock(spec), true);
    assert.equal(describeFault(spec), 'switchover mysql to db-b');
    assert.equal(describeFault({ ...spec, to: null }), 'switchover mysql');
    assert.deepEqual(faultNames(spec), [
      { what: 'group', name: 'mysql' },
      { what: 'node', name: 'db-b' },
    ]);
  });

  test("the manager's switchover-started is the milestone a detection would be", () => {
    const m = managerMilestones(
      [
        { t: 'switchover-started', at: 1000, from: 'db-a', to: 'db-b' },
        { t: 'promoted', at: 1060, node: 'db-b', epoch: 2, gtid: '0-1-9', reason: 'planned switchover from db-a' },
      ],
      0,
    );
    assert.deepEqual(m.detectedMs, [1000]);
    assert.deepEqual(m.promotedMs, [1060]);
  });

  test("a switchover is a cause of its own group's losses only", () => {
    const fault = (group: string): FaultEvent => ({ id: `f-${group}`, spec: { kind: 'switchover', group, to: null }, requestedMs: 1000, appliedMs: 1100, healedMs: null });
    const lost: OpRecord[] = [{ id: 'w1', client: 'app', idc: 'idc-a', service: 'redis', kind: 'write', invokeMs: 1200, completeMs: 1210, outcome: 'ok', node: '10.0.0.1' } as OpRecord];
    const explain = (group: string): string[] =>
      explainLostWrites({
        lost,
        nodeName: () => 'redis-a',
        state: undefined,
        promotions: [{ atMs: 1500, node: 'redis-b' }],
        splitBrain: null,
        backups: undefined,
        faults: [fault('mysql'), fault('redis')],
        nodeIdcs: { 'redis-a': 'idc-a' },
        group,
      }).flatMap((g) => g.faults);
    assert.deepEqual(explain('redis'), ['switchover redis']);
    assert.deepEqual(explain('other'), []);
  });
});
