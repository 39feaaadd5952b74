// Valid scenarios, mutated by a seeded generator (values swapped for hostile
// ones, keys dropped, renamed or added, entries duplicated, text cut, spliced
// and garbled), fed to the loader and, when accepted, to the planner. Neither
// may crash: the loader answers with a Scenario or a ScenarioError, and every
// plan it lets through names its containers and networks within the rule.
// Replay a failure with HADRILL_SEED=<seed>.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parse, stringify } from 'yaml';
import { ScenarioError } from '../../src/core/errors.js';
import { NAME_PATTERN } from '../../src/core/names.js';
import { KIND_MODELS, PLANNERS } from '../../src/datastores/registry.js';
import { planTopology } from '../../src/core/plan/topology-plan.js';
import { parseScenario } from '../../src/core/scenario/parse-scenario.js';
import { ROOT } from '../support/hadrill-cli.js';
import { largeShapes, VALID } from '../support/hostile-corpus.js';
import { Rand } from '../support/prng.js';

const SEED = process.env['HADRILL_SEED'] === undefined ? 0x5afe9 : Number(process.env['HADRILL_SEED']) >>> 0;
const CASES = 3000;

const SEEDS = [
  VALID,
  readFileSync(join(ROOT, 'scenarios', 'hot-standby.yaml'), 'utf8'),
  readFileSync(join(ROOT, 'scenarios', 'hot-standby-semisync.yaml'), 'utf8'),
  readFileSync(join(ROOT, 'test', 'fixtures', 'three-idcs-two-cities.yaml'), 'utf8'),
  readFileSync(join(ROOT, 'test', 'fixtures', 'cut-with-duration.yaml'), 'utf8'),
];

const HOSTILE_VALUES: unknown[] = [
  null, true, 0, -1, 1.5, 1e21, Infinity, NaN, Number.MAX_SAFE_INTEGER, '', ' ', '../..', '/etc/passwd', 'a/b', 'x;rm -rf ~', '$(id)', '`id`',
  'IDC-A', 'idc_a', 'idé', '🙂', 'a'.repeat(25), 'a'.repeat(300), '-1s', '1e400', '99999h', '0kbit', '500%', 'nan', 'idc-a', 'idc-b',
  'idc-c', 'db-a', 'db-b', 'redis-a', 'power', 'crash', 'cut', 'partition', 'degrade', 'replication-stop', 'primary', 'master', '5s',
  '500ms', [], [[]], ['idc-a', 'idc-a'], ['idc-a', 'idc-b', 'idc-c'], {}, { name: 'x' }, { idc: 'idc-a' }, [{ idc: 'nowhere' }],
];
const TEXT_NOISE = ':-[]{}&*!|>\'"#%@`, \t\n?\u0000\u001b\\';
/** Values that have crashed or stalled YAML loaders: written into the text where a value starts. */
const YAML_ATTACKS = ['*nope', '&a [*a]', '!!js/function "x"', '!shell x', '.inf', '-.inf', '.nan', '1e400', '[[[[[[[[', '{ a: { b: { c:', '? [a]', '|-', '<<: *nope'];
/** Keys whose values are durations or counts: where numbers out of range do harm. */
const NUMERIC_KEYS = new Set(['at', 'duration', 'steady', 'recovery', 'settle', 'rtoWindow', 'downAfter', 'failoverTimeout', 'opTimeout', 'checkInterval', 'connectTimeout', 'semiSyncTimeout', 'latency', 'jitter', 'quorum', 'failureThreshold', 'keys', 'rto', 'lostWrites', 'mysqlWritesPerSecond', 'redisWritesPerSecond', 'sameCityLatency', 'crossCityLatency']);
const HOSTILE_NUMBERS: unknown[] = [Infinity, -Infinity, NaN, -1, 1e21, 2 ** 31, '99999h', '1e400ms', 0.0001, -0];
const KEYS = ['name', 'idc', 'idcs', 'role', 'nodes', 'sentinels', 'clients', 'timeline', 'between', 'groups', 'at', 'fault', 'quorum', 'x'];

type Tree = Record<string, unknown> | unknown[];

/** Every [container, key] in the tree, so one can be picked at random. */
function places(value: unknown, out: [Tree, string | number][] = []): [Tree, string | number][] {
  if (Array.isArray(value)) value.forEach((v, i) => (out.push([value, i]), places(v, out)));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) (out.push([value as Tree, k]), places(v, out));
  return out;
}

function mutateData(text: string, rand: Rand): string {
  const data = parse(text) as Tree;
  for (let n = rand.int(1, 3); n > 0; n--) {
    const all = places(data);
    if (all.length === 0) break;
    const [holder, key] = rand.pick(all);
    const get = (): unknown => (holder as Record<string | number, unknown>)[key];
    const set = (v: unknown): void => void ((holder as Record<string | number, unknown>)[key] = v);
    switch (rand.int(0, 6)) {
      case 6: {
        const numeric = all.filter(([, k]) => NUMERIC_KEYS.has(String(k)));
        const [h, k] = numeric.length > 0 ? rand.pick(numeric) : [holder, key];
        (h as Record<string | number, unknown>)[k] = rand.pick(HOSTILE_NUMBERS);
        break;
      }
      case 0:
        if (Array.isArray(holder)) holder.splice(Number(key), 1);
        else delete (holder as Record<string, unknown>)[key as string];
        break;
      case 1:
      case 2:
        set(structuredClone(rand.pick(HOSTILE_VALUES)));
        break;
      case 3:
        if (Array.isArray(holder)) holder.push(structuredClone(get()));
        else (holder as Record<string, unknown>)[rand.pick(KEYS)] = structuredClone(get());
        break;
      case 4:
        set(Array.from({ length: rand.int(2, 40) }, () => structuredClone(get())));
        break;
      default: {
        const [other, otherKey] = rand.pick(all);
        const mine = get();
        set((other as Record<string | number, unknown>)[otherKey]);
        (other as Record<string | number, unknown>)[otherKey] = mine;
      }
    }
  }
  return stringify(data);
}

function mutateText(text: string, rand: Rand): string {
  const at = rand.int(0, text.length);
  switch (rand.int(0, 4)) {
    case 4: {
      // A value replaced by a YAML attack, right where a value starts.
      const starts = [...text.matchAll(/: /g)].map((m) => (m.index ?? 0) + 2);
      const start = starts.length > 0 ? rand.pick(starts) : at;
      const end = text.slice(start).search(/[\n,}\]]/);
      return text.slice(0, start) + rand.pick(YAML_ATTACKS) + text.slice(end < 0 ? text.length : start + end);
    }
    case 0:
      return text.slice(0, at) + text.slice(at + rand.int(1, 40));
    case 1:
      return text.slice(0, at) + Array.from({ length: rand.int(1, 6) }, () => rand.pick([...TEXT_NOISE])).join('') + text.slice(at);
    case 2: {
      const lines = text.split('\n');
      const i = rand.int(0, lines.length - 1);
      lines.splice(i, 0, lines[rand.int(0, lines.length - 1)] ?? '');
      return lines.join('\n');
    }
    default:
      return text.slice(0, at);
  }
}

describe(`scenario fuzzing (HADRILL_SEED=${SEED}, ${CASES} mutated scenarios)`, () => {
  test('the loader answers every mutation with a Scenario or a ScenarioError, and the planner plans every accepted one', () => {
    const rand = new Rand(SEED);
    const name = new RegExp(NAME_PATTERN.slice(1, -1));
    let accepted = 0;
    let slowest = 0;
    for (let i = 0; i < CASES; i++) {
      const seed = rand.pick(SEEDS);
      const text = rand.chance(0.6) ? mutateData(seed, rand) : mutateText(seed, rand);
      const started = performance.now();
      let scenario;
      try {
        scenario = parseScenario(text, `case-${i}.yaml`, KIND_MODELS);
      } catch (error) {
        if (error instanceof ScenarioError) continue;
        assert.fail(`case ${i} crashed the loader: ${(error as Error).stack}\n--- scenario ---\n${text}`);
      } finally {
        slowest = Math.max(slowest, performance.now() - started);
      }
      accepted++;
      const plan = planTopology(scenario, { home: '0123456789abcdef', run: scenario.name, subnetBlock: 200, ownImageTag: 'hadrill/base:x', secrets: { rootPassword: 'r', replPassword: 'p', appPassword: 'a', redisPassword: 'd', sentinelPassword: 's', managerToken: 't' }, packageDir: '/p', runDir: '/r' }, PLANNERS);
      for (const resource of [...plan.containers, ...plan.networks]) {
        assert.match(resource.name, new RegExp(`^hadrill-${scenario.name}-${name.source}$`), `case ${i}: ${resource.name}`);
        assert.ok(resource.name.length <= 63, `case ${i}: ${resource.name} is longer than a host name`);
      }
    }
    console.log(`${accepted} of ${CASES} mutations accepted and planned; the slowest took ${slowest.toFixed(0)} ms`);
    assert.ok(accepted > CASES / 20 && accepted < CASES, `${accepted} of ${CASES} mutations were accepted: the generator must reach both outcomes`);
    assert.ok(slowest < 1000, `the slowest case took ${slowest.toFixed(0)} ms`);
  });

  test('large hostile files are read in time linear in their size: 4x the bytes, at most 6x the time, and a megabyte in under 5 s', () => {
    // Each the best of three, so that another process on the machine does not decide the outcome.
    const time = (text: string): number =>
      Math.min(...[1, 2, 3].map(() => {
        const started = performance.now();
        assert.throws(() => parseScenario(text, 'large.yaml', KIND_MODELS), ScenarioError);
        return performance.now() - started;
      }));
    const quarter = largeShapes(256 * 1024);
    for (const [shape, { content }] of Object.entries(largeShapes(1024 * 1024))) {
      const small = time(quarter[shape]!.content);
      const large = time(content);
      console.log(`${shape}: 256 KB in ${small.toFixed(0)} ms, 1 MB in ${large.toFixed(0)} ms`);
      assert.ok(large < 6 * small + 100, `${shape}: 256 KB took ${small.toFixed(0)} ms, 1 MB ${large.toFixed(0)} ms`);
      assert.ok(large < 5000, `${shape}: 1 MB took ${large.toFixed(0)} ms`);
    }
  });
});
