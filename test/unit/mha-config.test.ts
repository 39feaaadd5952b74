// MHA (mha4mysql 0.58) as a MySQL group's failover machinery: the app1.cnf
// hadrill writes, the master_ip_failover hook run for real by /bin/sh with
// the arguments MHA gives it, and MHA's own log lines (verbatim from a lab
// failover of MariaDB 10.11 nodes: a kill of the primary, and a SIGSTOP of
// it) read back as machinery events.
import assert from 'node:assert/strict';
import { execSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { APP_CONFIG, HOOK_FILE, HOOK_SCRIPT, isMonitoringLine, MHA_PHASES, mhaAppConfig, mhaEvent, mhaHookScript, parseHookLine, parseMhaLine, type MhaConfig } from '../../src/datastores/mysql/mha-config.js';

const CONFIG: MhaConfig = {
  group: 'mysql',
  nodes: [
    { name: 'db-a', host: '10.170.1.10', port: 3306 },
    { name: 'db-b', host: '10.170.2.10', port: 3306 },
    { name: 'db-c', host: '10.170.3.10', port: 3306 },
  ],
  initialPrimary: 'db-a',
  adminUser: 'root',
  adminPassword: 'rootSecret1',
  replUser: 'hadrill_repl',
  replPassword: 'replSecret2',
  pingIntervalS: 1,
  pingType: 'CONNECT',
  token: 'tok',
  listenPort: 8080,
  eventsFile: '/var/lib/hadrill/machinery/events.jsonl',
  stateFile: '/var/lib/hadrill/machinery/state.json',
  managerLog: '/var/lib/hadrill/machinery/mha-manager.log',
  workDir: '/var/lib/hadrill/machinery/mha-work',
};

/** The sections of an INI text, each with its key=value pairs, in order. */
function ini(text: string): { section: string; values: Map<string, string> }[] {
  const sections: { section: string; values: Map<string, string> }[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const head = /^\[(.+)\]$/.exec(line);
    if (head) {
      sections.push({ section: head[1]!, values: new Map() });
      continue;
    }
    const kv = /^([a-z_]+)=(.*)$/.exec(line);
    assert.ok(kv, `not a key=value line: ${JSON.stringify(line)}`);
    assert.ok(sections.length > 0, 'a value before any section');
    const values = sections.at(-1)!.values;
    assert.ok(!values.has(kv[1]!), `${kv[1]} given twice`);
    values.set(kv[1]!, kv[2]!);
  }
  return sections;
}

describe('app1.cnf', () => {
  const sections = ini(mhaAppConfig(CONFIG));

  test('a default section with the run\'s users, paths, ping and the hook, then one section per node in order', () => {
    assert.deepEqual(
      sections.map((s) => s.section),
      ['server default', 'server1', 'server2', 'server3'],
    );
    const d = sections[0]!.values;
    assert.equal(d.get('user'), 'root');
    assert.equal(d.get('password'), 'rootSecret1');
    assert.equal(d.get('repl_user'), 'hadrill_repl');
    assert.equal(d.get('repl_password'), 'replSecret2');
    assert.equal(d.get('ssh_user'), 'root');
    assert.equal(d.get('ping_interval'), '1');
    assert.equal(d.get('ping_type'), 'CONNECT');
    assert.equal(d.get('manager_log'), CONFIG.managerLog);
    assert.equal(d.get('manager_workdir'), CONFIG.workDir);
    assert.equal(d.get('master_binlog_dir'), '/var/lib/mysql');
    assert.equal(d.get('master_ip_failover_script'), HOOK_SCRIPT);
    assert.deepEqual(
      sections.slice(1).map((s) => [s.values.get('hostname'), s.values.get('port')]),
      CONFIG.nodes.map((n) => [n.host, String(n.port)]),
    );
  });

  test('the ping settings follow the config', () => {
    const d = ini(mhaAppConfig({ ...CONFIG, pingIntervalS: 3, pingType: 'SELECT' }))[0]!.values;
    assert.deepEqual([d.get('ping_interval'), d.get('ping_type')], ['3', 'SELECT']);
  });

  test('the hook, the calls file and the config live apart under /run/hadrill-mha', () => {
    assert.equal(new Set([HOOK_FILE, HOOK_SCRIPT, APP_CONFIG]).size, 3);
    for (const p of [HOOK_FILE, HOOK_SCRIPT, APP_CONFIG]) assert.match(p, /^\/run\/hadrill-mha\//);
  });
});

describe('the master_ip_failover hook, run by /bin/sh as MHA runs it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hadrill-mha-hook-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const calls = join(dir, 'hook-calls');
  const script = join(dir, 'master-ip-failover');
  const text = mhaHookScript();
  assert.ok(text.includes(HOOK_FILE), 'the hook writes to HOOK_FILE');
  writeFileSync(script, text.split(HOOK_FILE).join(calls), { mode: 0o755 });

  /** MHA runs the hook through a shell, with a command line as a string (quotes and all). */
  const run = (args: string): { before: number; after: number } => {
    const before = Date.now();
    execSync(`/bin/sh ${script} ${args}`, { stdio: 'pipe' });
    return { before, after: Date.now() };
  };

  // The three calls MHA makes in a failover, in its own argument orders (MasterMonitor.pm, MasterFailover.pm).
  const status = run('--command=status --ssh_user=root --orig_master_host=10.0.0.11 --orig_master_ip=10.0.0.11 --orig_master_port=3306');
  const stop = run('--orig_master_host=10.0.0.11 --orig_master_ip=10.0.0.11 --orig_master_port=3306 --command=stop');
  const start = run(
    "--command=start --ssh_user=root --orig_master_host=10.0.0.11 --orig_master_ip=10.0.0.11 --orig_master_port=3306 --new_master_host=10.0.0.12 --new_master_ip=10.0.0.12 --new_master_port=3306 --new_master_user='root' --new_master_password=x",
  );
  const lines = readFileSync(calls, 'utf8').split('\n').filter((l) => l !== '');

  test('every call appends one line, in order', () => {
    assert.equal(lines.length, 3, lines.join('\n'));
  });

  test('each line reads back as its command, with the new master only for start', () => {
    const parsed = lines.map((l) => parseHookLine(l));
    assert.deepEqual(
      parsed.map((p) => [p?.command, p?.newMaster]),
      [
        ['status', null],
        ['stop', null],
        ['start', '10.0.0.12'],
      ],
    );
  });

  test('each call is timed in epoch milliseconds, between the moments it was started and returned', () => {
    const timings = [status, stop, start];
    lines.forEach((l, i) => {
      const at = parseHookLine(l)!.at;
      assert.ok(Number.isInteger(at), l);
      assert.ok(at >= timings[i]!.before - 5 && at <= timings[i]!.after + 5, `${l}: ${at} not in [${timings[i]!.before}, ${timings[i]!.after}]`);
    });
  });

  test('the hook exits 0: hadrill moves no address of its own', () => {
    assert.doesNotThrow(() => execSync(`/bin/sh ${script} --command=stopssh --orig_master_host=10.0.0.11`, { stdio: 'pipe' }));
  });
});

describe('parseHookLine', () => {
  test('reads "<ms> <command> [<new master>]", trimming the trailing space of a call without a new master', () => {
    assert.deepEqual(parseHookLine('1765123547540 start 10.199.77.12'), { at: 1765123547540, command: 'start', newMaster: '10.199.77.12' });
    assert.deepEqual(parseHookLine('1765123546325 stop \n'), { at: 1765123546325, command: 'stop', newMaster: null });
  });

  test('anything else is null: a date without milliseconds resolved, an empty line, text', () => {
    // What a `date` without %3N support would write.
    assert.equal(parseHookLine('1765123547N start 10.0.0.12'), null);
    assert.equal(parseHookLine(''), null);
    assert.equal(parseHookLine('start 10.0.0.12'), null);
  });
});

// Verbatim from /tmp/mha-lab: failover.log (docker kill of the primary, ping_type SELECT)
// and run2-pause-select/failover.log (the primary frozen with SIGSTOP).
const KILL = {
  selectPing: 'Mon Dec  7 16:05:36 2026 - [warning] Got error on MySQL select ping: 2013 (Lost connection to server during query)',
  connectError: "Mon Dec  7 16:05:38 2026 - [warning] Got error on MySQL connect: 2002 (Can't connect to server on '10.199.77.11' (110))",
  notReachable: 'Mon Dec  7 16:05:42 2026 - [warning] Master is not reachable from health checker!',
  down: 'Mon Dec  7 16:05:43 2026 - [info] Master is down!',
  startingFailover: 'Mon Dec  7 16:05:43 2026 - [info] Starting master failover.',
  phase1: 'Mon Dec  7 16:05:43 2026 - [info] * Phase 1: Configuration Check Phase..',
  phase1Done: 'Mon Dec  7 16:05:46 2026 - [info] ** Phase 1: Configuration Check Phase completed.',
  phase2: 'Mon Dec  7 16:05:46 2026 - [info] * Phase 2: Dead Master Shutdown Phase..',
  phase2Done: 'Mon Dec  7 16:05:47 2026 - [info] * Phase 2: Dead Master Shutdown Phase completed.',
  phase3: 'Mon Dec  7 16:05:47 2026 - [info] * Phase 3: Master Recovery Phase..',
  phase31: 'Mon Dec  7 16:05:47 2026 - [info] * Phase 3.1: Getting Latest Slaves Phase..',
  phase32: "Mon Dec  7 16:05:47 2026 - [info] * Phase 3.2: Saving Dead Master's Binlog Phase..",
  phase33: 'Mon Dec  7 16:05:47 2026 - [info] * Phase 3.3: Determining New Master Phase..',
  newMaster: 'Mon Dec  7 16:05:47 2026 - [info] New master is 10.199.77.12(10.199.77.12:3306)',
  phase34: 'Mon Dec  7 16:05:47 2026 - [info] * Phase 3.4: New Master Diff Log Generation Phase..',
  phase35: 'Mon Dec  7 16:05:47 2026 - [info] * Phase 3.5: Master Log Apply Phase..',
  phase3Done: 'Mon Dec  7 16:05:47 2026 - [info] * Phase 3: Master Recovery Phase completed.',
  phase4: 'Mon Dec  7 16:05:47 2026 - [info] * Phase 4: Slaves Recovery Phase..',
  phase41: 'Mon Dec  7 16:05:47 2026 - [info] * Phase 4.1: Starting Parallel Slave Diff Log Generation Phase..',
  phase5: 'Mon Dec  7 16:05:49 2026 - [info] * Phase 5: New master cleanup phase..',
  completed: 'Mon Dec  7 16:05:49 2026 - [info] Master failover to 10.199.77.12(10.199.77.12:3306) completed successfully.',
  // The failover report's last line, and the From:/To: tree: no MHA prefix.
  reportTail: 'Master failover to 10.199.77.12(10.199.77.12:3306) completed successfully.',
  tree: ' +--10.199.77.13(10.199.77.13:3306)',
  monitorError: 'Mon Dec  7 16:04:31 2026 - [error][/usr/share/perl5/MHA/MasterMonitor.pm, ln208] Slaves settings check failed!',
};
const MONITORING = {
  select: "Mon Dec  7 16:05:28 2026 - [info] Ping(SELECT) succeeded, waiting until MySQL doesn't respond..",
  connect: "Mon Dec  7 16:08:17 2026 - [info] Ping(CONNECT) succeeded, waiting until MySQL doesn't respond..",
  starting: 'Mon Dec  7 16:08:17 2026 - [info] Starting ping health check on 10.199.77.11(10.199.77.11:3306)..',
};
const PAUSE = {
  pingTimeout: 'Mon Dec  7 16:07:08 2026 - [warning] Got timeout on MySQL Ping(SELECT) child process and killed it! at /usr/share/perl5/MHA/HealthCheck.pm line 432.',
  pingTimeoutConnect: 'Mon Dec  7 16:08:26 2026 - [warning] Got timeout on MySQL Ping(CONNECT) child process and killed it! at /usr/share/perl5/MHA/HealthCheck.pm line 432.',
};
const at = (h: number, m: number, s: number): number => Date.UTC(2026, 11, 7, h, m, s);

describe('parseMhaLine', () => {
  test('MHA\'s prefix gives the time (UTC, whole seconds), the level and the text', () => {
    assert.deepEqual(parseMhaLine(KILL.down), { at: at(16, 5, 43), level: 'info', text: 'Master is down!' });
    assert.deepEqual(parseMhaLine(KILL.selectPing), { at: at(16, 5, 36), level: 'warning', text: 'Got error on MySQL select ping: 2013 (Lost connection to server during query)' });
    assert.equal(parseMhaLine(KILL.monitorError)?.level, 'error');
  });

  test('a two-digit day has one space before it', () => {
    assert.equal(parseMhaLine('Thu Dec 17 09:00:01 2026 - [info] Master is down!')?.at, Date.UTC(2026, 11, 17, 9, 0, 1));
  });

  test('lines without the prefix are null', () => {
    for (const line of [KILL.reportTail, KILL.tree, 'From:', '', 'Dec  7 16:05:43 2026 - [info] Master is down!', 'Mon Foo  7 16:05:43 2026 - [info] x']) assert.equal(parseMhaLine(line), null, line);
  });
});

describe('mhaEvent on a real failover\'s log', () => {
  test('the first failed select ping is the primary unhealthy, at its second', () => {
    assert.deepEqual(mhaEvent(KILL.selectPing, 'db-a'), {
      t: 'primary-unhealthy',
      at: at(16, 5, 36),
      primary: 'db-a',
      failures: 1,
      error: 'Got error on MySQL select ping: 2013 (Lost connection to server during query)',
    });
  });

  test('a frozen primary: the ping child timing out is the first failure seen (SELECT and CONNECT pings)', () => {
    const e = mhaEvent(PAUSE.pingTimeout, 'db-a');
    assert.deepEqual(e?.t === 'primary-unhealthy' ? [e.at, e.primary] : e, [at(16, 7, 8), 'db-a']);
    assert.equal(mhaEvent(PAUSE.pingTimeoutConnect, 'db-a')?.t, 'primary-unhealthy');
  });

  test('the health checker giving up is the primary unhealthy too', () => {
    assert.equal(mhaEvent(KILL.notReachable, 'db-a')?.t, 'primary-unhealthy');
  });

  test('"Master is down!" is the failure detected, at Date.UTC(2026, 11, 7, 16, 5, 43)', () => {
    assert.deepEqual(mhaEvent(KILL.down, 'db-a'), { t: 'failure-detected', at: Date.UTC(2026, 11, 7, 16, 5, 43), primary: 'db-a' });
  });

  test('each phase\'s start is a phase event named as MHA_PHASES names it', () => {
    const phase = (line: string): string | null => {
      const e = mhaEvent(line, 'db-a');
      return e?.t === 'mha-phase' ? e.phase : null;
    };
    assert.equal(phase(KILL.phase1), 'configuration check');
    assert.equal(phase(KILL.phase2), 'dead master shutdown');
    assert.equal(phase(KILL.phase3), 'master recovery');
    assert.equal(phase(KILL.phase33), 'selection');
    assert.equal(phase(KILL.phase35), 'relay-log apply');
    assert.equal(phase(KILL.phase4), 'replicas recovery');
    assert.equal(phase(KILL.phase5), 'new master cleanup');
    assert.deepEqual(mhaEvent(KILL.phase33, 'db-a'), { t: 'mha-phase', at: at(16, 5, 47), phase: 'selection', line: '* Phase 3.3: Determining New Master Phase..' });
  });

  test('every phase in MHA_PHASES is met by the real log, in order', () => {
    const lines = Object.values(KILL);
    const seen = lines.map((l) => mhaEvent(l, 'db-a')).flatMap((e) => (e?.t === 'mha-phase' ? [e.phase] : []));
    assert.deepEqual(seen, MHA_PHASES.map((p) => p.name));
  });

  test('a phase\'s "completed" line is no new phase', () => {
    for (const line of [KILL.phase1Done, KILL.phase2Done, KILL.phase3Done]) assert.equal(mhaEvent(line, 'db-a'), null, line);
  });

  test('sub-phases MHA_PHASES does not name, and other info lines, are no event', () => {
    for (const line of [KILL.phase31, KILL.phase32, KILL.phase34, KILL.phase41, KILL.newMaster, KILL.startingFailover, KILL.completed]) assert.equal(mhaEvent(line, 'db-a'), null, line);
  });

  test('lines without MHA\'s prefix are null', () => {
    assert.equal(mhaEvent(KILL.reportTail, 'db-a'), null);
    assert.equal(mhaEvent(KILL.tree, 'db-a'), null);
    assert.equal(mhaEvent('Got error on MySQL select ping: 2013 (Lost connection to server during query)', 'db-a'), null);
  });

  test('an error of MHA\'s failover is a failed failover; an error of its monitor is not', () => {
    const failed = mhaEvent('Mon Dec  7 16:05:47 2026 - [error][/usr/share/perl5/MHA/MasterFailover.pm, ln2024] Master failover to 10.199.77.12(10.199.77.12:3306) failed.', 'db-a');
    assert.deepEqual(failed?.t === 'failover-failed' ? failed.at : failed, at(16, 5, 47));
    assert.equal(mhaEvent(KILL.monitorError, 'db-a'), null);
  });
});

describe('isMonitoringLine', () => {
  test('MHA watches the primary once its ping succeeded, for either ping type', () => {
    assert.equal(isMonitoringLine(MONITORING.select), true);
    assert.equal(isMonitoringLine(MONITORING.connect), true);
  });

  test('the lines before it, and the ping failing, are not', () => {
    for (const line of [MONITORING.starting, KILL.selectPing, PAUSE.pingTimeout, KILL.down]) assert.equal(isMonitoringLine(line), false, line);
  });
});
