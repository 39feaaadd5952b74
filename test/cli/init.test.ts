// `hadrill init` as a user meets it: the tier list, a scenario written for
// every tier that `hadrill validate` then accepts, stdout by default, and no
// file replaced without --force. Independent commands run side by side.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { STARTERS } from '../../src/core/scenario/starters/index.js';
import { hadrill, inParallel } from '../support/hadrill-cli.js';

const home = mkdtempSync(join(tmpdir(), 'hadrill-init-'));
const env = { HADRILL_HOME: home };
const TIERS = STARTERS.map((s) => s.tier);

// The tests touch separate files: they run side by side too.
describe('hadrill init', { concurrency: true }, () => {
  test('--list prints one line per tier, the name first; --json lists them for scripts', async () => {
    const [plain, json] = await Promise.all([hadrill(['init', '--list'], env), hadrill(['--json', 'init', '--list'], env)]);
    assert.equal(plain.code, 0, plain.stderr);
    const lines = plain.stdout.trimEnd().split('\n');
    assert.deepEqual(
      lines.map((line) => line.split(/\s+/)[0]),
      TIERS,
    );
    for (const line of lines) assert.match(line, /^\S+ {2,}\S/, 'a description after the name');
    assert.equal(json.code, 0, json.stderr);
    const listed = JSON.parse(json.stdout) as { tier: string; summary: string; default: boolean }[];
    assert.deepEqual(
      listed.map((t) => t.tier),
      TIERS,
    );
    assert.deepEqual(
      listed.filter((t) => t.default).map((t) => t.tier),
      ['hot-standby'],
    );
  });

  test('every tier: init -o FILE, then validate FILE exits 0', async () => {
    const dir = mkdtempSync(join(home, 'tiers-'));
    await inParallel(TIERS, 4, async (tier) => {
      const file = join(dir, `${tier}.yaml`);
      const written = await hadrill(['init', '--tier', tier, '-o', file], env);
      assert.equal(written.code, 0, `${tier}: ${written.stderr}`);
      assert.match(written.stdout, new RegExp(`Wrote .*${tier}\\.yaml .*hadrill validate`));
      const text = readFileSync(file, 'utf8');
      assert.match(text, new RegExp(`^name: ${tier}$`, 'm'));
      assert.match(text, /^slo:$/m);
      assert.match(text, new RegExp(`hadrill drill ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`), 'the next command names the file written');
      const valid = await hadrill(['validate', file], env);
      assert.equal(valid.code, 0, `${tier}: ${valid.stderr}`);
      assert.match(valid.stdout, /valid/);
    });
  });

  test('prints to stdout by default and with -o -, the hot-standby tier unless told', async () => {
    const [plain, dash, semisync] = await Promise.all([hadrill(['init'], env), hadrill(['init', '-o', '-'], env), hadrill(['init', '--tier', 'hot-standby-semisync'], env)]);
    for (const r of [plain, dash, semisync]) assert.equal(r.code, 0, r.stderr);
    assert.match(plain.stdout, /^name: hot-standby$/m);
    assert.equal(dash.stdout, plain.stdout);
    assert.match(semisync.stdout, /^name: hot-standby-semisync$/m);
    assert.match(semisync.stdout, /mysql: \{ lostWrites: 0 \}/);
    // What stdout carried is a scenario validate accepts.
    const file = join(home, 'from-stdout.yaml');
    writeFileSync(file, plain.stdout);
    const valid = await hadrill(['validate', file], env);
    assert.equal(valid.code, 0, valid.stderr);
  });

  test('an existing file is left as it was without --force (exit 2), replaced with it', async () => {
    const file = join(home, 'mine.yaml');
    writeFileSync(file, 'my own scenario\n');
    const refused = await hadrill(['init', '--tier', 'cold-backup', '-o', file], env);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /already exists/);
    assert.match(refused.stderr, /--force/);
    assert.equal(readFileSync(file, 'utf8'), 'my own scenario\n');
    const forced = await hadrill(['init', '--tier', 'cold-backup', '-o', file, '--force'], env);
    assert.equal(forced.code, 0, forced.stderr);
    assert.match(readFileSync(file, 'utf8'), /^name: cold-backup$/m);
  });

  test('an unknown tier exits 2 naming the known tiers, and writes nothing', async () => {
    const file = join(home, 'never.yaml');
    const [r, empty] = await Promise.all([hadrill(['init', '--tier', 'hot-standbye', '-o', file], env), hadrill(['init', '--tier', ''], env)]);
    for (const x of [r, empty]) {
      assert.equal(x.code, 2);
      for (const tier of TIERS) assert.match(x.stderr, new RegExp(`\\b${tier}\\b`));
      assert.equal(x.stdout, '');
    }
    assert.match(r.stderr, /Unknown tier "hot-standbye"/);
    assert.equal(existsSync(file), false);
  });

  test('--help teaches with examples', async () => {
    const r = await hadrill(['init', '--help'], env);
    assert.equal(r.code, 0);
    for (const word of ['--tier', '--list', '--output', '--force', 'Examples:', 'hadrill init --list', 'hadrill validate', 'Exit code']) assert.ok(r.stdout.includes(word), word);
  });
});
