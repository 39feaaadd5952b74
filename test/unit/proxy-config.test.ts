// The HAProxy of a MySQL group's proxy route: its haproxy.cfg, the external
// check script (run for real by /bin/sh, with a stand-in `mariadb` client on
// its PATH), the client option file and HAProxy 2.6's own log lines.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { CHECK_CREDENTIALS, CHECK_SCRIPT, checkCredentials, checkScript, haproxyConfig, parseProxyLine, type ProxyConfig } from '../../src/datastores/mysql/proxy-config.js';

const CONFIG: ProxyConfig = {
  group: 'mysql',
  proxy: 'mysql-proxy-idc-a',
  listenPort: 3306,
  servers: [
    { name: 'db-a', host: '10.170.1.10', port: 3306 },
    { name: 'db-b', host: '10.170.2.10', port: 3306 },
    { name: 'db-c', host: '10.170.3.10', port: 3306 },
  ],
  checkIntervalMs: 2000,
  fall: 3,
  rise: 2,
  checkUser: 'hadrill_app',
  checkPassword: 'appSecret',
  eventsFile: '/var/lib/hadrill/machinery/events.jsonl',
};

/** haproxy.cfg's sections: each header line with the (trimmed) lines under it. */
function sections(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let current: string[] | null = null;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    if (!line.startsWith(' ')) {
      current = [];
      out.set(line, current);
    } else {
      assert.ok(current, `a setting before any section: ${line}`);
      current.push(line.trim());
    }
  }
  return out;
}

describe('haproxy.cfg', () => {
  const cfg = sections(haproxyConfig(CONFIG));

  test('global allows external checks; defaults are TCP', () => {
    assert.deepEqual([...cfg.keys()], ['global', 'defaults', 'listen writer']);
    assert.ok(cfg.get('global')!.includes('external-check'));
    assert.ok(cfg.get('global')!.includes('insecure-fork-wanted'), 'HAProxy 2.6 refuses to fork a check without it');
    assert.ok(cfg.get('defaults')!.includes('mode tcp'));
  });

  test('the writer listener sends every connection to the first node up, checked by the external script', () => {
    const listen = cfg.get('listen writer')!;
    assert.ok(listen.includes('bind 0.0.0.0:3306'));
    assert.ok(listen.includes('balance first'));
    assert.ok(listen.includes('option external-check'));
    assert.ok(listen.includes(`external-check command ${CHECK_SCRIPT}`));
    assert.deepEqual(
      listen.filter((l) => l.startsWith('server ')),
      ['server db-a 10.170.1.10:3306 check', 'server db-b 10.170.2.10:3306 check', 'server db-c 10.170.3.10:3306 check'],
      'every node, in the scenario\'s order',
    );
  });

  test('interval, fall and rise come from the route; a node marked down loses its sessions', () => {
    const listen = cfg.get('listen writer')!;
    assert.ok(listen.includes('default-server inter 2000ms fall 3 rise 2 on-marked-down shutdown-sessions'), listen.join('\n'));
    const other = sections(haproxyConfig({ ...CONFIG, checkIntervalMs: 500, fall: 1, rise: 5, listenPort: 3307 })).get('listen writer')!;
    assert.ok(other.includes('default-server inter 500ms fall 1 rise 5 on-marked-down shutdown-sessions'), other.join('\n'));
    assert.ok(other.includes('bind 0.0.0.0:3307'));
  });

  test('a check times out after its interval, never under 500 ms', () => {
    assert.ok(cfg.get('defaults')!.includes('timeout check 2000ms'));
    assert.ok(sections(haproxyConfig({ ...CONFIG, checkIntervalMs: 200 })).get('defaults')!.includes('timeout check 500ms'));
  });
});

describe('the external check script, run by /bin/sh', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hadrill-proxy-check-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const script = join(dir, 'writable-check');
  writeFileSync(script, checkScript(1), { mode: 0o755 });
  const argsFile = join(dir, 'mariadb-args');
  // A stand-in for the mariadb client: notes its arguments, answers what ANSWER says, fails when FAIL is set.
  writeFileSync(join(dir, 'mariadb'), `#!/bin/sh\nprintf '%s\\n' "$@" >${argsFile}\n[ -n "$FAIL" ] && { echo "ERROR 2002 (HY000): Can't connect" >&2; exit 1; }\nprintf '%s\\n' "$ANSWER"\n`, { mode: 0o755 });

  /** HAProxy's external check arguments: proxy address and port, then the server's address and port. */
  const check = (env: Record<string, string>): number | null =>
    spawnSync('/bin/sh', [script, 'NOT_USED', 'NOT_USED', '10.170.2.10', '3306'], { env: { PATH: `${dir}:/usr/bin:/bin`, ...env }, stdio: 'pipe' }).status;

  test('passes only for a node whose read_only is 0', () => {
    assert.equal(check({ ANSWER: '0' }), 0);
    assert.equal(check({ ANSWER: '1' }), 1);
    assert.equal(check({ ANSWER: '' }), 1);
  });

  test('fails when the client cannot reach the node', () => {
    assert.equal(check({ FAIL: '1', ANSWER: '0' }), 1);
  });

  test('asks the server HAProxy names (3rd and 4th arguments), with the credentials file and the connect timeout', () => {
    check({ ANSWER: '0' });
    const args = readFileSync(argsFile, 'utf8').split('\n');
    assert.equal(args[0], `--defaults-extra-file=${CHECK_CREDENTIALS}`, 'the option file must come first');
    assert.ok(args.includes('--connect-timeout=1'));
    assert.equal(args[args.indexOf('-h') + 1], '10.170.2.10');
    assert.equal(args[args.indexOf('-P') + 1], '3306');
    assert.ok(args.includes('SELECT @@global.read_only'));
    assert.ok(!args.some((a) => a.includes('appSecret')), 'no password on the command line');
  });
});

describe('the check\'s option file', () => {
  test('a [client] section with the workload user, values quoted', () => {
    assert.equal(checkCredentials(CONFIG), '[client]\nuser="hadrill_app"\npassword="appSecret"\n');
  });

  test('quotes and backslashes in a password are escaped as MariaDB option files read them', () => {
    assert.equal(checkCredentials({ ...CONFIG, checkPassword: 'a"b\\c' }), '[client]\nuser="hadrill_app"\npassword="a\\"b\\\\c"\n');
  });
});

describe('HAProxy 2.6 log lines', () => {
  const DOWN =
    '[WARNING]  (123) : Server writer/db-a is DOWN, reason: External check error, code: 1, check duration: 5ms. 1 active and 0 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue.';
  const UP = '[WARNING]  (123) : Server writer/db-b is UP, reason: External check passed, code: 0, check duration: 12ms. 1 active and 0 backup servers online. 0 sessions requeued, 0 total in queue.';

  test('a node marked down', () => {
    assert.deepEqual(parseProxyLine(DOWN, 'mysql-proxy-idc-a', 1000), { t: 'proxy-marked', at: 1000, proxy: 'mysql-proxy-idc-a', node: 'db-a', state: 'down', reason: 'External check error' });
  });

  test('a node marked up', () => {
    assert.deepEqual(parseProxyLine(UP, 'mysql-proxy-idc-b', 2000), { t: 'proxy-marked', at: 2000, proxy: 'mysql-proxy-idc-b', node: 'db-b', state: 'up', reason: 'External check passed' });
  });

  test('a line without a reason still gives its node and state', () => {
    assert.deepEqual(parseProxyLine('[WARNING]  (123) : Server writer/db-c is DOWN. 0 active and 0 backup servers left.', 'p', 1), { t: 'proxy-marked', at: 1, proxy: 'p', node: 'db-c', state: 'down', reason: '' });
  });

  test('other lines are null', () => {
    for (const line of [
      '[NOTICE]   (1) : New worker (8) forked',
      '[NOTICE]   (1) : Loading success.',
      '[ALERT]    (123) : proxy \'writer\' has no server available!',
      '[WARNING]  (123) : Health check for server writer/db-a failed, reason: External check error, code: 1, check duration: 5ms, status: 2/3 UP.',
      '',
    ])
      assert.equal(parseProxyLine(line, 'p', 1), null, line);
  });
});
