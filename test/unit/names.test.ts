import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { HadrillError } from '../../src/core/errors.js';
import { NAME_MAX_LENGTH, NAME_PATTERN, NAME_RULE, nameProblem } from '../../src/core/names.js';
import { forgetRun, listRuns, runDir } from '../../src/engine/run-store.js';
import { ROOT } from '../support/hadrill-cli.js';

describe('the name rule', () => {
  test('accepts short lower-case names with digits and inner dashes', () => {
    for (const name of ['a', 'idc-a', 'db-b2', 'sentinel-idc-c-2', 'a'.repeat(NAME_MAX_LENGTH), 'a--b']) assert.equal(nameProblem(name), null, name);
  });

  test('refuses everything else, saying why', () => {
    for (const name of ['', '-a', 'a-', '1a', 'A', 'idc_a', 'idc.a', 'idé', 'a b', '../..', '..', 'a/b', '/etc', 'x;id', '$(id)', 'a\nb', 'a'.repeat(NAME_MAX_LENGTH + 1)]) {
      assert.notEqual(nameProblem(name), null, JSON.stringify(name));
    }
    assert.match(nameProblem('a'.repeat(30)) ?? '', /is 30 characters long; a name is at most 24/);
    assert.match(nameProblem('Idc') ?? '', /"Idc" is not a valid name: lower-case letters/);
    assert.match(nameProblem(7) ?? '', /must be a name/);
  });

  test('the shipped schema carries the same rule, for editors', () => {
    const schema = JSON.parse(readFileSync(join(ROOT, 'schema', 'scenario.schema.json'), 'utf8')) as { definitions: { name: { pattern: string; description: string } } };
    assert.equal(schema.definitions.name.pattern, NAME_PATTERN);
    assert.equal(schema.definitions.name.description, NAME_RULE);
  });

  test('the longest container name, hadrill-<run>-<node>, fits a 63-character host name', () => {
    assert.ok(`hadrill-${'r'.repeat(NAME_MAX_LENGTH)}-${'n'.repeat(NAME_MAX_LENGTH)}`.length <= 63);
  });
});

describe('run directories stay inside HADRILL_HOME/runs', () => {
  const root = mkdtempSync(join(tmpdir(), 'hadrill-runstore-'));
  const home = join(root, 'x', 'home');
  const saved = process.env['HADRILL_HOME'];
  process.env['HADRILL_HOME'] = home;
  after(() => {
    if (saved === undefined) delete process.env['HADRILL_HOME'];
    else process.env['HADRILL_HOME'] = saved;
  });

  test('a run name that is a path is refused before any file is touched', () => {
    mkdirSync(join(home, 'runs'), { recursive: true });
    writeFileSync(join(root, 'x', 'canary'), 'keep');
    for (const run of ['..', '../..', 'a/../../..', '/tmp', '']) {
      assert.throws(() => runDir(run), (e: unknown) => e instanceof HadrillError && e.code === 'usage', run);
      assert.throws(() => forgetRun(run), HadrillError, run);
    }
    assert.ok(existsSync(join(root, 'x', 'canary')));
    assert.ok(statSync(home).isDirectory());
  });

  test('listRuns ignores entries that are not run names', () => {
    mkdirSync(join(home, 'runs', 'good-run'), { recursive: true });
    mkdirSync(join(home, 'runs', 'Bad Name'), { recursive: true });
    assert.deepEqual(listRuns(), ['good-run']);
  });
});
