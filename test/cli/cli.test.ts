// The CLI as a user meets it: help, exit codes, located errors, no colour
// without a TTY, nothing created on bad input.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { hadrill, ROOT } from '../support/hadrill-cli.js';

const home = mkdtempSync(join(tmpdir(), 'hadrill-cli-'));
const env = { HADRILL_HOME: home };

function scenarioFile(name: string, text: string): string {
  const file = join(home, name);
  writeFileSync(file, text);
  return file;
}

describe('hadrill CLI', () => {
  test('--help teaches the commands and the quick start', async () => {
    const r = await hadrill(['--help'], env);
    assert.equal(r.code, 0);
    for (const word of ['drill', 'up', 'status', 'fail', 'heal', 'check', 'down', 'doctor', 'compose', 'Quick start']) assert.match(r.stdout, new RegExp(word));
    assert.doesNotMatch(r.stdout, /\u001b\[/, 'no colour codes when stdout is not a TTY');
  });

  test('each command has help with its options', async () => {
    const r = await hadrill(['drill', '--help'], env);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /--report-dir/);
    assert.match(r.stdout, /Exit code: 0 when every SLO holds, 1/);
  });

  test('an unknown command is a usage error (exit 2)', async () => {
    const r = await hadrill(['explode'], env);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown command/);
  });

  test('validate accepts the shipped scenarios', async () => {
    for (const file of ['scenarios/hot-standby.yaml', 'scenarios/hot-standby-semisync.yaml']) {
      const r = await hadrill(['validate', file], env);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /valid/);
    }
  });

  test('a scenario naming an unknown IDC fails with file:line:col, the path and the known IDCs, exit 2', async () => {
    const file = scenarioFile(
      'bad-idc.yaml',
      ['name: bad', 'idcs:', '  - { name: idc-a }', '  - { name: idc-b }', 'mysql:', '  nodes:', '    - { name: db-a, idc: idc-a }', '    - { name: db-b, idc: idc-d }', 'workload:', '  clients: [{ idc: idc-a }]', ''].join('\n'),
    );
    const r = await hadrill(['validate', file], env);
    assert.equal(r.code, 2);
    assert.match(r.stderr, new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:8:\\d+`));
    assert.match(r.stderr, /mysql\.nodes\[1\]\.idc: unknown IDC "idc-d"; known: idc-a, idc-b/);
    assert.doesNotMatch(r.stderr, /at .*\.js:\d+/, 'no stack trace without --debug');
  });

  test('a typo in a key names the allowed keys', async () => {
    const file = scenarioFile('bad-key.yaml', 'name: bad\nidcs: [{ name: idc-a }]\nredis:\n  nodes: [{ name: r1, idc: idc-a }]\n  sentinels: [{ idc: idc-a }]\n  downAftr: 2s\nworkload:\n  clients: [{ idc: idc-a }]\n');
    const r = await hadrill(['validate', file], env);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /:6:3 +redis\.downAftr: unknown property "downAftr"; allowed here: .*downAfter/);
  });

  test('up with a bad scenario creates nothing', async () => {
    const file = scenarioFile('bad-duration.yaml', 'name: bad\nidcs: [{ name: idc-a }]\nredis:\n  nodes: [{ name: r1, idc: idc-a }]\n  sentinels: [{ idc: idc-a }]\n  downAfter: soon\nworkload:\n  clients: [{ idc: idc-a }]\n');
    const r = await hadrill(['up', file], env);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /redis\.downAfter: "soon" is not a duration/);
    assert.equal(existsSync(join(home, 'runs')), false, 'no run state was written');
  });

  test('a missing scenario file is a clear usage error', async () => {
    const r = await hadrill(['drill', 'scenarios/nope.yaml'], env);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /Cannot read scenario scenarios\/nope\.yaml: no such file/);
  });

  test('commands that need a run say how to start one', async () => {
    const r = await hadrill(['status'], env);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /No hadrill run is active/);
    assert.match(r.stderr, /hadrill up/);
  });

  test('a bad --slo is a usage error', async () => {
    const r = await hadrill(['drill', 'scenarios/hot-standby.yaml', '--slo', 'rto=fast'], env);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--slo rto=fast: "fast" is not a duration/);
  });

  test('every shipped scenario validates, and its Compose file in compose/ is what `hadrill compose` renders', async () => {
    const inDir = (dir: string): string[] => readdirSync(join(ROOT, 'scenarios', dir)).filter((f) => f.endsWith('.yaml')).map((f) => join(dir, f.slice(0, -'.yaml'.length)));
    const names = inDir('.');
    assert.ok(names.length >= 9, `one scenario per tier: ${names.join(', ')}`);
    // The failover stacks drilled side by side (docs/stacks.md), and their soak.
    const stacks = inDir('stacks');
    assert.ok(stacks.length >= 5, `the stacks: ${stacks.join(', ')}`);
    for (const name of [...names, ...stacks]) {
      const valid = await hadrill(['validate', `scenarios/${name}.yaml`], env);
      assert.equal(valid.code, 0, valid.stderr);
      const r = await hadrill(['compose', `scenarios/${name}.yaml`], env);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, readFileSync(join(ROOT, 'compose', `${name}.compose.yaml`), 'utf8'), `compose/${name}.compose.yaml is stale: regenerate it with \`hadrill compose scenarios/${name}.yaml -o compose/${name}.compose.yaml\``);
    }
  });
});
