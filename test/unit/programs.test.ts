// Every program a planner can name is in the build, where containers run it from.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PROGRAMS, programCommand } from '../../src/core/plan/programs.js';
import { packageRoot } from '../../src/package-paths.js';

test('every in-container program exists in the compiled package', () => {
  for (const [name, entry] of Object.entries(PROGRAMS)) {
    assert.ok(existsSync(join(packageRoot(), 'dist', 'src', entry)), `program ${name}: dist/src/${entry} is missing`);
  }
});

test('a program runs from the package mounted at /opt/hadrill', () => {
  assert.deepEqual(programCommand('agent'), ['node', '/opt/hadrill/dist/src/agent/main.js']);
});
