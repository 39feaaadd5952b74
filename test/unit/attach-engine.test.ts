// The parts of attaching that touch no engine: reading the credentials the
// scenario points at (never holding them itself), the plan shown before
// anything is touched, and the consent an attached run needs off a terminal.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import type { AttachedContainer } from '../../src/core/attach/select.js';
import { HadrillError } from '../../src/core/errors.js';
import type { Secrets } from '../../src/core/plan/topology-plan.js';
import { attachedScenarioText } from '../support/attached-scenario.js';
import { parseScenario } from '../../src/core/scenario/parse-scenario.js';
import type { Scenario } from '../../src/core/scenario/scenario.js';
import { KIND_MODELS } from '../../src/datastores/registry.js';
import { attachedSecrets, attachPlanText, requireConsent, type ResolvedAttach } from '../../src/engine/attach.js';
import { ROOT } from '../support/hadrill-cli.js';

const FIXTURE = join(ROOT, 'test/fixtures/attach/docker-run.yaml');
const fixture = (): Scenario => parseScenario(readFileSync(FIXTURE, 'utf8'), FIXTURE, KIND_MODELS);

const BASE_SECRETS: Secrets = {
  rootPassword: 'run-root',
  replPassword: 'run-repl',
  appPassword: 'run-app',
  redisPassword: 'run-redis',
  sentinelPassword: 'run-sentinel',
  managerToken: 'run-token',
};

const TIMELINE = ['{ at: 2s, fault: cut, between: [idc-a, idc-b] }', '{ at: 4s, fault: crash, node: db-b }', '{ at: 6s, fault: partition, groups: [[idc-c], [idc-b]] }'];

/** An attached scenario with a MySQL and a Redis group whose credentials are `db` and `cache`, written as YAML flow mappings. */
function scenarioWith(file: string | null, db: string, cache: string, timeline = TIMELINE): Scenario {
  const text = attachedScenarioText({ db, cache, clientIdcs: ['idc-a', 'idc-b', 'idc-c'], timeline });
  return { ...parseScenario(text, file ?? 'inline.yaml', KIND_MODELS), file };
}

/** The error `fn` throws, which must be a HadrillError. */
function thrown(fn: () => unknown): HadrillError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof HadrillError, String(error));
    return error;
  }
  assert.fail('nothing was thrown');
}

describe('reading an attached group\'s credentials', () => {
  const ENV = ['HADRILL_TEST_DB_PW', 'HADRILL_TEST_REDIS_PW', 'HADRILL_TEST_SENTINEL_PW', 'USERSTACK_DB_PASSWORD'] as const;
  const saved = new Map<string, string | undefined>(ENV.map((name) => [name, process.env[name]]));
  let dir = '';

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'hadrill-attach-'));
    mkdirSync(join(dir, 'drills'));
  });
  afterEach(() => {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('the docker-run fixture reads MySQL\'s password from its variable and Redis\'s from the file beside the scenario, without its newline', () => {
    process.env['USERSTACK_DB_PASSWORD'] = 'from-env';
    const secrets = attachedSecrets(fixture(), BASE_SECRETS);
    assert.deepEqual(secrets, {
      mysql: { ...BASE_SECRETS, rootPassword: 'from-env', mysqlAdminUser: 'root' },
      // The fixture's Sentinels have no password of their own: none, rather than the run's.
      redis: { ...BASE_SECRETS, redisPassword: 'userstack-redis-pw', sentinelPassword: '' },
    });
  });

  test('a MySQL group gets its administrator and password; a Redis group its password and the Sentinels\' own', () => {
    process.env['HADRILL_TEST_DB_PW'] = 'db secret';
    process.env['HADRILL_TEST_REDIS_PW'] = 'redis secret';
    process.env['HADRILL_TEST_SENTINEL_PW'] = 'sentinel secret';
    const s = scenarioWith(join(dir, 'drills', 's.yaml'), '{ user: admin, password: { env: HADRILL_TEST_DB_PW } }', '{ password: { env: HADRILL_TEST_REDIS_PW }, sentinelPassword: { env: HADRILL_TEST_SENTINEL_PW } }');
    const secrets = attachedSecrets(s, BASE_SECRETS);
    assert.deepEqual(secrets['db'], { ...BASE_SECRETS, rootPassword: 'db secret', mysqlAdminUser: 'admin' });
    assert.deepEqual(secrets['cache'], { ...BASE_SECRETS, redisPassword: 'redis secret', sentinelPassword: 'sentinel secret' });
  });

  test('an empty variable is a password that is empty, not a missing one', () => {
    process.env['HADRILL_TEST_DB_PW'] = '';
    const s = scenarioWith(join(dir, 'drills', 's.yaml'), '{ password: { env: HADRILL_TEST_DB_PW } }', '{}');
    assert.equal(attachedSecrets(s, BASE_SECRETS)['db']?.rootPassword, '');
  });

  test('a relative file is read from the scenario\'s directory, not the working directory, with one trailing newline (LF or CRLF) dropped', () => {
    writeFileSync(join(dir, 'drills', 'db-pw'), 'db-from-file\r\n');
    writeFileSync(join(dir, 'drills', 'redis-pw'), 'line one\nline two\n\n');
    const s = scenarioWith(join(dir, 'drills', 's.yaml'), '{ password: { file: db-pw } }', '{ password: { file: ./redis-pw } }');
    const secrets = attachedSecrets(s, BASE_SECRETS);
    assert.equal(secrets['db']?.rootPassword, 'db-from-file');
    // Only the one newline that ends the file goes: what the file holds before it is the credential.
    assert.equal(secrets['cache']?.redisPassword, 'line one\nline two\n');
  });

  test('an absolute file is read where it is', () => {
    writeFileSync(join(dir, 'absolute-pw'), 'abs');
    const s = scenarioWith(join(dir, 'drills', 's.yaml'), `{ password: { file: '${join(dir, 'absolute-pw')}' } }`, '{}');
    assert.equal(attachedSecrets(s, BASE_SECRETS)['db']?.rootPassword, 'abs');
  });

  test('a variable that is not set is a usage error naming the variable, the group and the scenario file', () => {
    delete process.env['HADRILL_TEST_DB_PW'];
    const file = join(dir, 'drills', 's.yaml');
    const error = thrown(() => attachedSecrets(scenarioWith(file, '{ password: { env: HADRILL_TEST_DB_PW } }', '{}'), BASE_SECRETS));
    assert.equal(error.code, 'usage');
    assert.ok(error.message.startsWith(`${file}: `), error.message);
    assert.match(error.message, /group db's password comes from the environment variable HADRILL_TEST_DB_PW, which is not set/);
    assert.match(error.hint ?? '', /export HADRILL_TEST_DB_PW=/);
  });

  test('a missing Sentinel password variable is named as the Sentinel password', () => {
    process.env['HADRILL_TEST_DB_PW'] = 'x';
    delete process.env['HADRILL_TEST_SENTINEL_PW'];
    const s = scenarioWith(join(dir, 'drills', 's.yaml'), '{ password: { env: HADRILL_TEST_DB_PW } }', '{ sentinelPassword: { env: HADRILL_TEST_SENTINEL_PW } }');
    const error = thrown(() => attachedSecrets(s, BASE_SECRETS));
    assert.match(error.message, /group cache's Sentinel password comes from the environment variable HADRILL_TEST_SENTINEL_PW/);
  });

  test('a file that does not exist is a usage error naming the path it was looked for at', () => {
    const file = join(dir, 'drills', 's.yaml');
    const error = thrown(() => attachedSecrets(scenarioWith(file, '{ password: { file: no-such-pw } }', '{}'), BASE_SECRETS));
    assert.equal(error.code, 'usage');
    assert.match(error.message, new RegExp(`comes from the file ${join(dir, 'drills', 'no-such-pw').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}, which does not exist`));
  });

  test('a scenario that builds its own topology has no attached credentials', () => {
    const own = parseScenario(readFileSync(join(ROOT, 'scenarios/hot-standby.yaml'), 'utf8'), 'hot-standby.yaml', KIND_MODELS);
    assert.deepEqual(attachedSecrets(own, BASE_SECRETS), {});
  });
});

describe('the plan of an attached run', () => {
  /** Every node and Sentinel of `s` found, each with an id and an address of its own. */
  function resolvedFor(s: Scenario, prefix: string): ResolvedAttach {
    const containers: Record<string, AttachedContainer> = {};
    Object.keys(s.attach?.containers ?? {}).forEach((node, i) => {
      containers[node] = { node, name: `${prefix}-${node}`, id: `${String(i).padStart(2, '0')}${'ab'.repeat(31)}`, image: 'img', ip: `172.30.0.${10 + i}` };
    });
    return { network: `${prefix}_default`, containers };
  }

  /** The plan's line for one member, found by the start it must have. */
  const lineOf = (plan: string, node: string): string => {
    const line = plan.split('\n').find((l) => l.startsWith(`    ${node} = `));
    assert.ok(line, `no line for ${node} in\n${plan}`);
    return line;
  };

  test('the docker-run fixture: every node and Sentinel with its container, and the faults of the timeline aimed at it', () => {
    const s = fixture();
    const resolved = resolvedFor(s, 'userstack');
    const plan = attachPlanText(s, resolved, 'r42');
    const lines = plan.split('\n');
    assert.equal(lines[0], 'Attaching run r42 to containers that already run (network userstack_default):');
    const dbA = resolved.containers['db-a']!;
    assert.equal(lineOf(plan, 'db-a'), `    db-a = userstack-db-a (${dbA.id.slice(0, 12)}, ${dbA.ip}) in idc-a: isolate idc-c at +3.00 s; power idc-a at +14.0 s`);
    // Isolating idc-c puts rules into every other container too: they stop talking to it.
    assert.match(lineOf(plan, 'db-b'), /^    db-b = userstack-db-b \(\w{12}, 172\.30\.0\.\d+\) in idc-b: isolate idc-c at \+3\.00 s$/);
    assert.match(lineOf(plan, 'redis-a'), /in idc-a: isolate idc-c at \+3\.00 s; power idc-a at \+14\.0 s$/);
    assert.match(lineOf(plan, 'sentinel-a'), /in idc-a: isolate idc-c at \+3\.00 s; power idc-a at \+14\.0 s$/);
    assert.match(lineOf(plan, 'sentinel-c'), /^    sentinel-c = userstack-sentinel-c .* in idc-c: isolate idc-c at \+3\.00 s$/);
    // Each group is listed with its members under it, Sentinels after the nodes.
    const order = lines.filter((l) => /^  group |^    \S+ = /.test(l)).map((l) => l.trim().split(' ')[l.trim().startsWith('group') ? 1 : 0]);
    // The user's proxy of a group comes after its nodes.
    assert.deepEqual(order, ['mysql', 'db-a', 'db-b', 'mysql-proxy', 'redis', 'redis-a', 'redis-b', 'sentinel-a', 'sentinel-b', 'sentinel-c']);
    assert.match(lineOf(plan, 'mysql-proxy'), /^    mysql-proxy = userstack-mysql-proxy .* in idc-b: isolate idc-c at \+3\.00 s$/);
    assert.ok(lines.includes('  group mysql (mysql):') && lines.includes('  group redis (redis):'), plan);
  });

  test('a member that no fault of the timeline touches is shown as read only', () => {
    const s = scenarioWith('s.yaml', '{ password: { env: X } }', '{}', ['{ at: 4s, fault: crash, node: db-b }', '{ at: 8s, fault: power, idc: idc-c }']);
    const plan = attachPlanText(s, resolvedFor(s, 'shop'), 'r1');
    assert.match(lineOf(plan, 'db-a'), /in idc-a: read only$/);
    assert.match(lineOf(plan, 'redis-b'), /in idc-b: read only$/);
    assert.match(lineOf(plan, 'db-b'), /in idc-b: crash db-b at \+4\.00 s$/);
    assert.match(lineOf(plan, 'sentinel-c'), /in idc-c: power idc-c at \+8\.00 s$/);
  });

  test('the plan says what hadrill adds to each group and to the network, and how down takes it away', () => {
    const s = fixture();
    const plan = attachPlanText(s, resolvedFor(s, 'userstack'), 'r42');
    assert.match(plan, /adds database hadrill and user hadrill_app on the primary \(dropped by `hadrill down`\)/);
    assert.match(plan, /adds keys hadrill:\* on the master \(deleted by `hadrill down`\)/);
    assert.match(plan, /adds 2 workload agents of hadrill's on userstack_default/);
    assert.match(plan, /nothing else is touched/);
  });

  test('a cut touches both its IDCs, a crash only its node, a partition the IDCs it names and not a bridge', () => {
    const s = scenarioWith('s.yaml', '{ password: { env: X } }', '{}');
    const plan = attachPlanText(s, resolvedFor(s, 'shop'), 'r1');
    assert.match(lineOf(plan, 'db-a'), /in idc-a: cut idc-a <-> idc-b at \+2\.00 s$/);
    assert.match(lineOf(plan, 'db-b'), /in idc-b: cut idc-a <-> idc-b at \+2\.00 s; crash db-b at \+4\.00 s; partition idc-c \| idc-b at \+6\.00 s$/);
    assert.match(lineOf(plan, 'redis-a'), /in idc-a: cut idc-a <-> idc-b at \+2\.00 s$/);
    assert.match(lineOf(plan, 'sentinel-c'), /in idc-c: partition idc-c \| idc-b at \+6\.00 s$/);
    assert.match(plan, /adds 3 workload agents/);
  });
});

describe('consent to act on containers hadrill did not create', () => {
  const attached = (): Scenario => fixture();

  test('off a terminal and without --yes, an attached scenario is refused as a usage error naming the file and --yes', () => {
    const error = thrown(() => requireConsent(attached(), false, false));
    assert.equal(error.code, 'usage');
    assert.match(error.message, /docker-run\.yaml attaches to containers hadrill did not create, and this is not a terminal/);
    assert.match(error.hint ?? '', /--dry-run/);
    assert.match(error.hint ?? '', /--yes/);
  });

  test('--yes is consent', () => {
    assert.doesNotThrow(() => requireConsent(attached(), true, false));
  });

  test('a terminal is consent: the user is running it', () => {
    assert.doesNotThrow(() => requireConsent(attached(), false, true));
  });

  test('a scenario that builds its own containers needs no consent', () => {
    const own = parseScenario(readFileSync(join(ROOT, 'scenarios/hot-standby.yaml'), 'utf8'), 'hot-standby.yaml', KIND_MODELS);
    assert.doesNotThrow(() => requireConsent(own, false, false));
  });
});
