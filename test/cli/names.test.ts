// Every command that takes a run, IDC or node name refuses, with the rule and
// exit 2, names that could climb out of HADRILL_HOME, reach a shell or
// overflow Docker's names, and touches nothing: a canary beside HADRILL_HOME
// and the home's own files survive every attempt.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { hadrill, inParallel } from '../support/hadrill-cli.js';

const root = mkdtempSync(join(tmpdir(), 'hadrill-names-'));
// HADRILL_HOME two levels down, so that `--run ../..` would name `root/a`, where the canary lives.
const home = join(root, 'a', 'b', 'home');
const canary = join(root, 'a', 'canary');
mkdirSync(join(home, 'runs', 'victim'), { recursive: true });
writeFileSync(canary, 'must survive');
writeFileSync(join(home, 'current'), 'victim\n');
writeFileSync(join(home, 'runs', 'victim', 'keep'), 'must survive');
// No Docker is needed: every name is refused before anything is looked up.
const env = { HADRILL_HOME: home, DOCKER_HOST: 'unix:///nonexistent/docker.sock' };

const BAD: Record<string, string> = {
  traversal: '../..',
  slash: 'idc-a/b',
  absolute: '/etc',
  shell: 'x;rm -rf ~ $(id)',
  'over-long': 'a'.repeat(100),
  empty: '',
};

/** Every command and each place in it that takes a name. */
const COMMANDS: Record<string, (name: string) => string[]> = {
  'down --run': (n) => [`--run=${n}`, 'down'],
  'heal --run': (n) => [`--run=${n}`, 'heal'],
  'status --run': (n) => [`--run=${n}`, 'status'],
  'check --run': (n) => [`--run=${n}`, 'check'],
  'watch --run': (n) => [`--run=${n}`, 'watch', '--for', '1s'],
  'up --run': (n) => [`--run=${n}`, 'up', 'scenarios/hot-standby.yaml'],
  'drill --run': (n) => [`--run=${n}`, 'drill', 'scenarios/hot-standby.yaml'],
  'fail IDC': (n) => ['fail', n],
  'cut FROM': (n) => ['cut', n, 'idc-b'],
  'cut TO': (n) => ['cut', 'idc-a', n],
  'partition GROUP': (n) => ['partition', `idc-a,${n}`, 'idc-c'],
  'degrade A': (n) => ['degrade', n, 'idc-b', '--latency', '10ms'],
  'degrade B': (n) => ['degrade', 'idc-a', n, '--latency', '10ms'],
  'crash NODE': (n) => ['crash', n],
  'replication stop NODE': (n) => ['replication', 'stop', n],
  'replication start NODE': (n) => ['replication', 'start', n],
};

describe('names at the CLI boundary', () => {
  test(`${Object.keys(COMMANDS).length} commands x ${Object.keys(BAD).length} kinds of bad name: exit 2 with the rule, nothing touched`, { timeout: 240_000 }, async () => {
    const cases = Object.entries(COMMANDS).flatMap(([command, args]) => Object.entries(BAD).map(([kind, name]) => ({ label: `${command} with a ${kind} name`, args: args(name) })));
    const failures: string[] = [];
    await inParallel(cases, 4, async ({ label, args }) => {
      const r = await hadrill(args, env);
      const problems = [
        r.code === 2 ? '' : `exit ${r.code}`,
        /is not a valid name|characters long; a name is at most 24/.test(r.stderr) ? '' : 'no statement of the rule',
        /unexpected|\n\s+at .*\.js:\d+/.test(r.stderr) ? 'a crash or a stack trace' : '',
      ].filter(Boolean);
      if (problems.length > 0) failures.push(`${label}: ${problems.join(', ')}\n${r.stderr.trim()}`);
    });
    assert.deepEqual(failures, []);
    assert.ok(existsSync(canary), 'the file beside HADRILL_HOME survived');
    assert.deepEqual(readdirSync(home).sort(), ['current', 'runs']);
    assert.ok(existsSync(join(home, 'runs', 'victim', 'keep')), "the current run's files survived");
  });

  test('the rule itself is stated: lower case, digits and dashes, at most 24 characters', async () => {
    const r = await hadrill(['--run', 'Has-Upper', 'status'], env);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--run: "Has-Upper" is not a valid name: lower-case letters, digits and dashes, starting with a letter and ending with a letter or digit, at most 24 characters/);
    assert.match(r.stderr, /hint +For example --run my-drill-2/);
  });

  test('a damaged current-run pointer is refused, not followed', async () => {
    const other = join(root, 'other-home');
    mkdirSync(other, { recursive: true });
    writeFileSync(join(other, 'current'), '../../a\n');
    const r = await hadrill(['down'], { ...env, HADRILL_HOME: other });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /the current run named in .*current: "\.\.\/\.\.\/a" is not a valid name/);
    assert.ok(existsSync(canary));
  });
});
