// The scenarios `hadrill init` writes, one per tier: each reads, validates
// and plans as the real parser and planner take it, carries SLOs and the
// comments that teach it, repeats the shipped scenario whose measured figures
// its comments quote, and every shipped tier scenario has one (or a reason).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { HadrillError } from '../../src/core/errors.js';
import { nameProblem } from '../../src/core/names.js';
import { planTopology, type PlanInputs } from '../../src/core/plan/topology-plan.js';
import { parseScenario } from '../../src/core/scenario/parse-scenario.js';
import type { Scenario } from '../../src/core/scenario/scenario.js';
import { DEFAULT_TIER, findStarter, renderStarter, STARTERS, starterList, type Starter } from '../../src/core/scenario/starters/index.js';
import { KIND_MODELS, PLANNERS } from '../../src/datastores/registry.js';
import { ROOT } from '../support/hadrill-cli.js';

const INPUTS: PlanInputs = {
  home: 'h1',
  run: 'r1',
  subnetBlock: 171,
  ownImageTag: 'hadrill/base:test',
  secrets: {
    rootPassword: 'root-secret',
    replPassword: 'repl-secret',
    appPassword: 'app-secret',
    redisPassword: 'redis-secret',
    sentinelPassword: 'sentinel-secret',
    managerToken: 'token',
    // MHA reaches the nodes over SSH: `up` makes a key pair per run.
    sshKey: { privatePem: '-----BEGIN RSA PRIVATE KEY-----\nTEST\n-----END RSA PRIVATE KEY-----\n', publicLine: 'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABTEST hadrill-r1' },
  },
  packageDir: '/pkg',
  runDir: '/state/r1',
};

/**
 * Shipped tier scenarios no starter repeats, each with the reason. A new
 * scenario under scenarios/ fails the coverage test below until it gets a
 * starter or a line here.
 */
const NO_STARTER: Record<string, string> = {
  'hot-standby-load.yaml': 'the hot-standby layout under load: the hot-standby starter names the two workload settings (writesPerSecond: max, inFlight) that make it',
  'hot-standby-load-semisync.yaml': 'the same load on the hot-standby-semisync layout, for the same reason',
};

/** The SLO bounds the schema knows (the shorthands mysql, redis and the per-group map aside). */
const SCHEMA_SLOS = Object.keys(
  (JSON.parse(readFileSync(join(ROOT, 'schema', 'scenario.schema.json'), 'utf8')) as { properties: { slo: { properties: Record<string, unknown> } } }).properties.slo.properties,
).filter((key) => !['mysql', 'redis', 'groups'].includes(key));

function parsed(starter: Starter, text = renderStarter(starter, { file: `${starter.tier}.yaml`, schema: null })): Scenario {
  return parseScenario(text, `init:${starter.tier}`, KIND_MODELS);
}

describe('init starters', () => {
  for (const starter of STARTERS) {
    describe(starter.tier, () => {
      test('parses, validates and plans, under its own name', () => {
        for (const target of [
          { file: `${starter.tier}.yaml`, schema: null },
          { file: null, schema: '../schema/scenario.schema.json' },
        ]) {
          const scenario = parsed(starter, renderStarter(starter, target));
          assert.equal(scenario.name, starter.tier);
          assert.equal(nameProblem(scenario.name), null, `${starter.tier} is a valid name of at most 24 characters`);
          const plan = planTopology(scenario, INPUTS, PLANNERS);
          const nodes = scenario.groups.flatMap((g) => g.nodes.map((n) => n.name));
          for (const node of nodes) assert.ok(plan.containers.some((c) => c.node === node), `${starter.tier}: node ${node} is planned`);
          assert.ok(plan.containers.some((c) => c.kind === 'agent'), `${starter.tier}: the clients are planned`);
          assert.ok(scenario.drill.timeline.length > 0, `${starter.tier} drills a fault`);
        }
      });

      test('has an slo block with at least one bound, and its comment names every bound the schema knows', () => {
        const text = renderStarter(starter, { file: 'x.yaml', schema: null });
        assert.match(text, /^slo:$/m);
        const { slo } = parsed(starter);
        const bounds = [slo, ...Object.values(slo.groups)].flatMap((b) => Object.entries(b).filter(([key, value]) => key !== 'groups' && value !== undefined && value !== null));
        assert.ok(bounds.length > 0, `${starter.tier}: the slo block bounds something`);
        const sloComment = text.slice(text.lastIndexOf('\n\n', text.indexOf('\nslo:')), text.indexOf('\nslo:'));
        for (const name of SCHEMA_SLOS) assert.match(sloComment, new RegExp(`\\b${name}\\b`), `${starter.tier}: the SLO comment names ${name}`);
        assert.match(sloComment, /--slo /, 'it shows how to try a bound without editing');
        assert.match(sloComment, /Measured/, 'it says what the bounds are based on');
      });

      test('comments every section and names the next commands with the file', () => {
        const text = renderStarter(starter, { file: 'drills/mine.yaml', schema: null });
        assert.match(text, /hadrill validate drills\/mine\.yaml/);
        assert.match(text, /hadrill drill drills\/mine\.yaml/);
        const lines = text.split('\n');
        const sections = lines.map((line, i) => ({ key: /^([a-z]+):/.exec(line)?.[1], i })).filter((s) => s.key !== undefined && ['idcs', 'groups', 'dal', 'workload', 'drill', 'slo'].includes(s.key));
        assert.ok(sections.length >= 5, `${starter.tier}: its sections are found`);
        for (const { key, i } of sections) assert.match(lines[i - 1]!, /^#/, `${starter.tier}: a comment right above ${key}:`);
        const faults = text.slice(text.indexOf('\n# drill:'), text.indexOf('\ndrill:'));
        assert.match(faults, /fault timeline/, `${starter.tier}: the drill comment explains the timeline`);
        assert.match(faults, /docs\/faults\.md/);
        assert.match(text, new RegExp(`^# A hadrill scenario for the ${starter.tier} tier, written by \`hadrill init --tier ${starter.tier}\``, 'm'));
        assert.doesNotMatch(renderStarter(starter, { file: 'x.yaml', schema: null }), /yaml-language-server/, 'no schema line when none is given');
        assert.match(renderStarter(starter, { file: 'x.yaml', schema: 'a/b.json' }), /^# yaml-language-server: \$schema=a\/b\.json\n/);
        assert.match(renderStarter(starter, { file: "my drills/it's.yaml", schema: null }), /hadrill validate 'my drills\/it'\\''s\.yaml'/, 'the file as a shell takes it');
        // A file name cannot end a comment line and smuggle YAML in.
        const hostile = parsed(starter, renderStarter(starter, { file: 'x.yaml\nname: evil\rtier: evil', schema: null }));
        assert.equal(hostile.name, starter.tier);
      });

      test('every fault the comments offer parses when uncommented', () => {
        const text = renderStarter(starter, { file: 'x.yaml', schema: null });
        const offered = text.split('\n').filter((line) => /^#\s+- \{ at: .*fault: .*\}$/.test(line));
        for (const line of offered) {
          const fault = line.replace(/^#\s+/, '    ');
          const edited = text.replace(/^ {2}timeline:\n/m, `  timeline:\n${fault}\n`);
          assert.notEqual(edited, text);
          const scenario = parsed(starter, edited);
          assert.equal(scenario.drill.timeline.length, parsed(starter).drill.timeline.length + 1, line);
        }
      });

      test(`repeats ${starter.mirrors}, whose measured figures its comments quote`, () => {
        const shipped = parseScenario(readFileSync(join(ROOT, starter.mirrors), 'utf8'), starter.mirrors, KIND_MODELS);
        const mine = parsed(starter);
        for (const idc of mine.idcs) assert.deepEqual(idc, shipped.idcs.find((x) => x.name === idc.name), `idc ${idc.name}`);
        assert.deepEqual(mine.network, shipped.network);
        for (const group of mine.groups) assert.deepEqual(group, shipped.groups.find((g) => g.name === group.name), `group ${group.name}`);
        for (const work of mine.workload.groups) assert.deepEqual(work, shipped.workload.groups.find((g) => g.group === work.group), `workload of ${work.group}`);
        assert.deepEqual(mine.dal, shipped.dal);
        assert.deepEqual({ ...mine.workload, clients: undefined, groups: undefined }, { ...shipped.workload, clients: undefined, groups: undefined });
        const { steadyMs: _a, ...drill } = mine.drill;
        const { steadyMs: _b, ...shippedDrill } = shipped.drill;
        assert.deepEqual(drill, shippedDrill);
      });
    });
  }

  test('the list: one line per tier, the name then its summary, no duplicates', () => {
    const lines = starterList();
    assert.equal(lines.length, STARTERS.length);
    const names = lines.map((line) => /^(\S+) {2,}(\S.*)$/.exec(line)?.[1]);
    assert.deepEqual(names, STARTERS.map((s) => s.tier));
    assert.equal(new Set(names).size, names.length, 'no tier twice');
    for (const s of STARTERS) assert.doesNotMatch(s.summary, /\n/);
    assert.ok(names.includes(DEFAULT_TIER));
  });

  test('every shipped tier scenario has a starter, or a reason it has none', () => {
    const shipped = readdirSync(join(ROOT, 'scenarios')).filter((f) => f.endsWith('.yaml'));
    const mirrored = new Set(STARTERS.map((s) => s.mirrors));
    for (const file of shipped) {
      const has = mirrored.has(`scenarios/${file}`);
      assert.ok(has !== (file in NO_STARTER), `scenarios/${file}: ${has ? 'has a starter and a reason for none' : 'has no starter and no reason in NO_STARTER'}`);
    }
    for (const file of Object.keys(NO_STARTER)) assert.ok(shipped.includes(file), `NO_STARTER names ${file}, which is no longer shipped`);
  });

  test('an unknown tier is a usage error naming every tier', () => {
    assert.throws(
      () => findStarter('hot-standb'),
      (error: unknown) => {
        assert.ok(error instanceof HadrillError);
        assert.equal(error.code, 'usage');
        for (const s of STARTERS) assert.match(error.message, new RegExp(`\\b${s.tier}\\b`));
        assert.match(error.hint ?? '', /hot-standby/);
        return true;
      },
    );
    assert.equal(findStarter('redis-cluster').tier, 'redis-cluster');
  });
});
