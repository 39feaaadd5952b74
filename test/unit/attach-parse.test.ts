// Attached scenarios as the parser reads them: every node and Sentinel names
// a container that already runs, each group how hadrill reads it, and
// everything hadrill would have to build or reshape inside the user's stack
// is refused at the line where it is written, saying what to do instead.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { attachedScenarioText } from '../support/attached-scenario.js';
import { parseScenario } from '../../src/core/scenario/parse-scenario.js';
import { KIND_MODELS } from '../../src/datastores/registry.js';
import { ROOT } from '../support/hadrill-cli.js';
import { problemAtPath, rejectedScenario } from '../support/scenario-problems.js';

const FILE = 'scenarios/attached.yaml';

/** A valid attached scenario: a MySQL pair with failover none, a Redis pair with three Sentinels, all chosen by name. */
const BASE = attachedScenarioText();

/** BASE with one piece of text replaced; the piece must be there, or the test would check the unchanged scenario. */
function edit(from: string, to: string, text = BASE): string {
  assert.ok(text.includes(from), `the scenario holds ${JSON.stringify(from)}`);
  return text.replace(from, to);
}

const problemAt = (text: string, path: string, onLine: string): string => problemAtPath(text, FILE, path, onLine);

const readRepoFile = (path: string): string => readFileSync(join(ROOT, path), 'utf8');

describe('attached scenarios that parse', () => {
  test('the base scenario of these tests is accepted, so each refusal below comes from its one edit', () => {
    const s = parseScenario(BASE, FILE, KIND_MODELS);
    assert.deepEqual(Object.keys(s.attach?.containers ?? {}).sort(), ['db-a', 'db-b', 'redis-a', 'redis-b', 'sentinel-a', 'sentinel-b', 'sentinel-c']);
  });

  test('the docker-run fixture selects MariaDB and Sentinels by name, Redis by label, and reads the Redis password from a file', () => {
    const s = parseScenario(readRepoFile('test/fixtures/attach/docker-run.yaml'), 'test/fixtures/attach/docker-run.yaml', KIND_MODELS);
    assert.deepEqual(s.attach, {
      containers: {
        'db-a': { name: 'userstack-db-a' },
        'db-b': { name: 'userstack-db-b' },
        'redis-a': { labels: { 'userstack.part': 'redis-a' } },
        'redis-b': { labels: { 'userstack.part': 'redis-b' } },
        'sentinel-a': { name: 'userstack-sentinel-a' },
        'sentinel-b': { name: 'userstack-sentinel-b' },
        'sentinel-c': { name: 'userstack-sentinel-c' },
        // The user's own HAProxy, which the MySQL clients write through.
        'mysql-proxy': { name: 'userstack-haproxy' },
      },
      credentials: {
        // No user given: MySQL is read as root.
        mysql: { user: 'root', password: { env: 'USERSTACK_DB_PASSWORD' }, sentinelPassword: null },
        redis: { user: 'root', password: { file: 'redis-password' }, sentinelPassword: null },
      },
    });
  });

  test('the shop example selects every container by Compose project and service, number 1 when none is given', () => {
    const s = parseScenario(readRepoFile('examples/attach/shop.yaml'), 'examples/attach/shop.yaml', KIND_MODELS);
    const containers = s.attach?.containers ?? {};
    assert.deepEqual(containers['db-a'], { compose: { project: 'shop', service: 'db-primary', number: 1 } });
    assert.deepEqual(containers['redis-b'], { compose: { project: 'shop', service: 'redis-b', number: 1 } });
    assert.deepEqual(containers['sentinel-c'], { compose: { project: 'shop', service: 'sentinel-c', number: 1 } });
    assert.equal(Object.keys(containers).length, 7);
    assert.deepEqual(s.attach?.credentials['mysql'], { user: 'root', password: { env: 'SHOP_DB_PASSWORD' }, sentinelPassword: null });
    assert.deepEqual(s.attach?.credentials['redis'], { user: 'root', password: { env: 'SHOP_REDIS_PASSWORD' }, sentinelPassword: null });
  });

  test('a Compose selector keeps the replica number it is given', () => {
    const text = edit('container: { name: shop-db-b }', 'container: { compose: { project: shop, service: db, number: 3 } }');
    assert.deepEqual(parseScenario(text, FILE, KIND_MODELS).attach?.containers['db-b'], { compose: { project: 'shop', service: 'db', number: 3 } });
  });

  test('a MySQL administrator other than root, and a Sentinel password from a file, are carried as written', () => {
    let text = edit('credentials: { password: { env: SHOP_DB_PASSWORD } }', 'credentials: { user: admin, password: { file: /run/secrets/db } }');
    text = edit('credentials: { password: { env: SHOP_REDIS_PASSWORD } }', 'credentials: { password: { env: R_PW }, sentinelPassword: { file: sentinel-pw } }', text);
    const credentials = parseScenario(text, FILE, KIND_MODELS).attach?.credentials;
    assert.deepEqual(credentials, {
      db: { user: 'admin', password: { file: '/run/secrets/db' }, sentinelPassword: null },
      cache: { user: 'root', password: { env: 'R_PW' }, sentinelPassword: { file: 'sentinel-pw' } },
    });
  });

  test('a Redis group without credentials is attached with no password at all', () => {
    const text = edit('    credentials: { password: { env: SHOP_REDIS_PASSWORD } }\n', '');
    assert.deepEqual(parseScenario(text, FILE, KIND_MODELS).attach?.credentials['cache'], { user: 'root', password: null, sentinelPassword: null });
  });

  test('a scenario that names no container and no credentials builds its own topology and has no attach section', () => {
    const shipped = parseScenario(readRepoFile('scenarios/hot-standby.yaml'), 'scenarios/hot-standby.yaml', KIND_MODELS);
    assert.equal('attach' in shipped, false);
    let own = edit('    credentials: { password: { env: SHOP_DB_PASSWORD } }\n', '');
    own = edit('    credentials: { password: { env: SHOP_REDIS_PASSWORD } }\n', '', own);
    own = own.replace(/, container: \{ name: [a-z-]+ \}/g, '');
    assert.doesNotMatch(own, /container|credentials/);
    assert.equal('attach' in parseScenario(own, FILE, KIND_MODELS), false);
  });
});

describe('what an attached scenario refuses, each at its place with the fix', () => {
  test('a node without a container, once any node has one, is refused at that node, naming it and the `container:` to add', () => {
    const text = edit('{ name: db-b, idc: idc-b, role: replica, container: { name: shop-db-b } }', '{ name: db-b, idc: idc-b, role: replica }');
    const message = problemAt(text, 'groups[0].nodes[1]', 'name: db-b');
    assert.match(message, /names the container of every node/);
    assert.match(message, /add `container: \{ name: \.\.\. \}`.* to db-b/);
  });

  test('credentials alone make a scenario an attached one: then every node without a container is refused', () => {
    // A user who wrote credentials but forgot the selectors gets told, rather than a drill on containers hadrill builds.
    const text = BASE.replace(/, container: \{ name: [a-z-]+ \}/g, '');
    const error = rejectedScenario(text, FILE);
    const paths = error.problems.map((p) => p.path);
    for (const path of ['groups[0].nodes[0]', 'groups[0].nodes[1]', 'groups[1].nodes[0]', 'groups[1].nodes[1]', 'groups[1].failover.sentinels[0]']) {
      assert.ok(paths.includes(path), `${path} is reported; found ${paths.join(', ')}`);
    }
  });

  test('a Sentinel without a container is refused at that Sentinel, naming it', () => {
    const text = edit('{ name: sentinel-c, idc: idc-c, container: { name: shop-sentinel-c } }', '{ name: sentinel-c, idc: idc-c }');
    const message = problemAt(text, 'groups[1].failover.sentinels[2]', 'name: sentinel-c');
    assert.match(message, /names the container of every Sentinel/);
    assert.match(message, /add `container: \{ name: \.\.\. \}` to sentinel-c/);
  });

  test('a Galera group is refused at its kind: attached groups are mysql or redis', () => {
    const galera = `  - name: gal\n    kind: galera\n    nodes:\n      - { name: g1, idc: idc-a, container: { name: g1 } }\n      - { name: g2, idc: idc-b, container: { name: g2 } }\n      - { name: g3, idc: idc-c, container: { name: g3 } }\n`;
    const text = edit('workload:\n', `${galera}workload:\n`);
    const message = problemAt(text, 'groups[2].kind', 'kind: galera');
    assert.match(message, /an attached group is mysql or redis/);
    assert.match(message, /galera groups are built by hadrill only/);
  });

  test('a Redis Cluster group is refused at its kind', () => {
    const nodes = ['m-a:idc-a:master', 'm-b:idc-b:master', 'm-c:idc-c:master', 'r-a:idc-b:replica', 'r-b:idc-c:replica', 'r-c:idc-a:replica']
      .map((n) => n.split(':'))
      .map(([name, idc, role]) => `      - { name: ${name}, idc: ${idc}, role: ${role}, container: { name: rc-${name} } }\n`)
      .join('');
    const text = edit('workload:\n', `  - name: rc\n    kind: redis-cluster\n    nodes:\n${nodes}workload:\n`);
    const message = problemAt(text, 'groups[2].kind', 'kind: redis-cluster');
    assert.match(message, /redis-cluster groups are built by hadrill only/);
  });

  for (const kind of ['manager', 'mha', 'restore']) {
    test(`a MySQL group with failover ${kind} is refused at failover.kind, pointing at failover none and writes: writable`, () => {
      const text = edit('failover: { kind: none }', `failover: { kind: ${kind} }`);
      const message = problemAt(text, 'groups[0].failover.kind', `kind: ${kind}`);
      assert.match(message, new RegExp(`not "${kind}", which hadrill would have to build`));
      assert.match(message, /none: your own failover machinery/);
      assert.match(message, /writes: writable/);
    });
  }

  test('a Redis group with failover restore is refused at failover.kind, pointing at its Sentinels or none', () => {
    const text = edit('      kind: sentinel\n      sentinels:\n        - { name: sentinel-a, idc: idc-a, container: { name: shop-sentinel-a } }\n        - { name: sentinel-b, idc: idc-b, container: { name: shop-sentinel-b } }\n        - { name: sentinel-c, idc: idc-c, container: { name: shop-sentinel-c } }\n', '      kind: restore\n');
    const message = problemAt(text, 'groups[1].failover.kind', 'kind: restore');
    assert.match(message, /sentinel \(your Sentinels, each with its container\) or none, not "restore"/);
  });

  test('a cold backup on an attached group is refused at backup', () => {
    const text = edit('    failover: { kind: none }\n', '    failover: { kind: none }\n    backup: { every: 1m, storage: { idc: idc-c } }\n');
    const message = problemAt(text, 'groups[0].backup', 'backup:');
    assert.match(message, /remove "backup" from an attached group/);
  });

  test('an image on an attached group is refused at image: the node runs the image it was started with', () => {
    const text = edit('    kind: mysql\n', "    kind: mysql\n    image: 'mariadb:10.11'\n");
    const message = problemAt(text, 'groups[0].image', 'image:');
    assert.match(message, /runs the image you started it with: remove "image"/);
  });

  test('bidirectional replication on an attached MySQL group is refused at replication', () => {
    const text = edit('    kind: mysql\n', '    kind: mysql\n    replication: bidirectional\n');
    const message = problemAt(text, 'groups[0].replication', 'replication: bidirectional');
    assert.match(message, /one writer; bidirectional groups are built by hadrill only/);
  });

  test('an attached MySQL group whose credentials have no password is refused at credentials, showing the form to add', () => {
    const text = edit('credentials: { password: { env: SHOP_DB_PASSWORD } }', 'credentials: { user: admin }');
    const message = problemAt(text, 'groups[0].credentials', 'credentials: { user: admin }');
    assert.match(message, /add `credentials: \{ password: \{ env: NAME \} \}` \(or \{ file: PATH \}\)/);
  });

  test('an attached MySQL group with no credentials at all is refused too', () => {
    const text = edit('    credentials: { password: { env: SHOP_DB_PASSWORD } }\n', '');
    const error = rejectedScenario(text, FILE);
    const problem = error.problems.find((p) => p.path === 'groups[0].credentials');
    assert.ok(problem, JSON.stringify(error.problems));
    assert.match(problem.message, /reads an attached MySQL group as an administrator/);
  });

  test('a user in a Redis group\'s credentials is refused at user: Redis has no administrator name here', () => {
    const text = edit('credentials: { password: { env: SHOP_REDIS_PASSWORD } }', 'credentials: { user: admin, password: { env: SHOP_REDIS_PASSWORD } }');
    const message = problemAt(text, 'groups[1].credentials.user', 'user: admin');
    assert.match(message, /remove "user"/);
  });

  test('a Sentinel password in a MySQL group\'s credentials is refused at sentinelPassword: the group has no Sentinels', () => {
    const text = edit('credentials: { password: { env: SHOP_DB_PASSWORD } }', 'credentials: { password: { env: SHOP_DB_PASSWORD }, sentinelPassword: { env: UNUSED } }');
    const message = problemAt(text, 'groups[0].credentials.sentinelPassword', 'sentinelPassword: { env: UNUSED }');
    assert.match(message, /a MySQL group has no Sentinels: remove "sentinelPassword"/);
  });

  test('an attached group that names no failover is refused at the group: the default would be machinery hadrill builds', () => {
    const text = edit('    failover: { kind: none }\n', '');
    const error = rejectedScenario(text, FILE);
    const problem = error.problems.find((p) => p.path === 'groups[0]');
    assert.ok(problem, JSON.stringify(error.problems));
    assert.match(problem.message, /add `failover: \{ kind: none \}`/);
    assert.ok(!error.problems.some((p) => /not "manager"/.test(p.message)), 'no message about a manager the user never wrote');
  });

  test('a credential source with both env and file is refused, naming the two', () => {
    const text = edit('credentials: { password: { env: SHOP_DB_PASSWORD } }', 'credentials: { password: { env: SHOP_DB_PASSWORD, file: pw } }');
    const error = rejectedScenario(text, FILE);
    assert.ok(error.problems.some((p) => p.path === 'groups[0].credentials.password' && /give exactly one of env, file/.test(p.message)), JSON.stringify(error.problems));
  });

  test('the user\'s own proxy is the write endpoint: its container is selected under the group\'s proxy name', () => {
    const text = edit('{ group: db, writesPerSecond: 10, writes: writable }', '{ group: db, writesPerSecond: 10, writes: proxy, proxy: { idc: idc-b, container: { name: shop-haproxy } } }');
    const s = parseScenario(text, FILE, KIND_MODELS);
    assert.deepEqual(s.attach?.containers['db-proxy'], { name: 'shop-haproxy' });
    assert.equal(s.workload.groups.find((w) => w.group === 'db')?.proxy?.idc, 'idc-b');
  });

  test('a proxy route without the user\'s proxy container is refused at proxy: hadrill puts no proxy into the user\'s stack', () => {
    const text = edit('{ group: db, writesPerSecond: 10, writes: writable }', '{ group: db, writesPerSecond: 10, writes: proxy, proxy: { idc: idc-b } }');
    const message = problemAt(text, 'workload.groups[0].proxy', 'proxy: { idc: idc-b }');
    assert.match(message, /name its container and the IDC it stands in/);
  });

  test('health-check settings on the user\'s own proxy are refused at each: it keeps its own checks', () => {
    const text = edit('{ group: db, writesPerSecond: 10, writes: writable }', '{ group: db, writesPerSecond: 10, writes: proxy, proxy: { idc: idc-b, fall: 2, container: { name: shop-haproxy } } }');
    const error = rejectedScenario(text, FILE);
    assert.ok(error.problems.some((p) => p.path === 'workload.groups[0].proxy.fall' && /your own proxy keeps its own checks/.test(p.message)), JSON.stringify(error.problems));
  });

  test('a network section is refused at network: links between the user\'s containers cannot be shaped', () => {
    const text = edit('groups:\n', 'network: { crossCityLatency: 30ms }\ngroups:\n');
    const message = problemAt(text, 'network', 'network:');
    assert.match(message, /cannot shape the links between your containers/);
    assert.match(message, /remove "network"/);
  });

  test('a data access layer is refused at dal', () => {
    const dal = 'dal: { zones: [{ name: zone-a, idc: idc-a }, { name: zone-b, idc: idc-b }], shards: 4, controller: { idc: idc-c }, sharded: db }\n';
    const text = edit('workload:\n', `${dal}workload:\n`);
    const message = problemAt(text, 'dal', 'dal:');
    assert.match(message, /no data access layer of hadrill's: remove "dal"/);
  });

  test('the mysql shorthand beside attached groups is refused at its section, saying to move it under groups', () => {
    const text = edit('workload:\n', 'mysql: { nodes: [{ name: m1, idc: idc-a }, { name: m2, idc: idc-b }] }\nworkload:\n');
    const message = problemAt(text, 'mysql', 'mysql:');
    assert.match(message, /lists its groups under "groups"/);
    assert.match(message, /move "mysql" there/);
  });

  test('a group written to its local node is refused at its writes, naming the three routes that work', () => {
    const text = edit('{ group: db, writesPerSecond: 10, writes: writable }', '{ group: db, writesPerSecond: 10, writes: local }');
    const error = rejectedScenario(text, FILE);
    const problem = error.problems.find((p) => p.path === 'workload.groups[0].writes' && /attached/.test(p.message));
    assert.ok(problem, JSON.stringify(error.problems));
    assert.match(problem.message, /"writer"/);
    assert.match(problem.message, /"writable"/);
    assert.match(problem.message, /"proxy" \(your own proxy\)/);
    assert.match(problem.message, /not "local"/);
  });

  test('a degrade fault in the timeline is refused at its fault, naming cut, isolate and partition instead', () => {
    const text = edit('    - { at: 5s, fault: isolate, idc: idc-c }\n', '    - { at: 5s, fault: isolate, idc: idc-c }\n    - { at: 9s, fault: degrade, between: [idc-a, idc-b], latency: 300ms }\n');
    const message = problemAt(text, 'drill.timeline[1].fault', 'fault: degrade');
    assert.match(message, /cannot shape links/);
    assert.match(message, /use cut, isolate or partition instead of degrade/);
  });

  test('every refusal of one scenario is listed at once', () => {
    let text = edit('failover: { kind: none }', 'failover: { kind: mha }');
    text = edit('groups:\n', 'network:\n  crossCityLatency: 30ms\ngroups:\n', text);
    text = edit('writes: writable', 'writes: local', text);
    const paths = rejectedScenario(text, FILE).problems.map((p) => p.path);
    for (const path of ['groups[0].failover.kind', 'network', 'workload.groups[0].writes']) assert.ok(paths.includes(path), `${path} in ${paths.join(', ')}`);
  });
});

describe('the container selector, as the schema reads it', () => {
  test('a selector with two ways of choosing (name and labels) is refused at the container', () => {
    const text = edit('container: { name: shop-db-b }', 'container: { name: shop-db-b, labels: { app: db } }');
    const error = rejectedScenario(text, FILE);
    const problem = error.problems.find((p) => p.path === 'groups[0].nodes[1].container');
    assert.ok(problem, JSON.stringify(error.problems));
    assert.ok(problem.line !== null && text.split('\n')[problem.line - 1]?.includes('name: db-b'), `line ${problem.line}`);
    assert.match(problem.message, /give exactly one of name, compose, labels/);
  });

  test('an empty selector, which would choose nothing, is refused at the container', () => {
    const text = edit('container: { name: shop-db-b }', 'container: {}');
    const message = problemAt(text, 'groups[0].nodes[1].container', 'container: {}');
    assert.match(message, /give exactly one of name, compose, labels/);
  });

  test('an unknown key in a selector is refused at that key, listing name, compose and labels', () => {
    const text = edit('container: { name: shop-db-b }', 'container: { id: 0123456789ab }');
    const message = problemAt(text, 'groups[0].nodes[1].container.id', 'id: 0123456789ab');
    assert.match(message, /unknown property "id"; allowed here: name, compose, labels/);
  });

  test('a Compose selector without a service is refused at compose', () => {
    const text = edit('container: { name: shop-db-b }', 'container: { compose: { project: shop } }');
    const message = problemAt(text, 'groups[0].nodes[1].container.compose', 'compose:');
    assert.match(message, /missing required property "service"/);
  });

  test('a password written into the scenario itself is refused: credentials name where the value is, never the value', () => {
    const text = edit('credentials: { password: { env: SHOP_DB_PASSWORD } }', 'credentials: { password: hunter2 }');
    const message = problemAt(text, 'groups[0].credentials.password', 'password: hunter2');
    assert.match(message, /must be an object, not "hunter2"/);
  });
});
