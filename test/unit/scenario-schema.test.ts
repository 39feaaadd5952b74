// The shipped scenario schema knows every registered datastore kind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { completedSchemaText, SCENARIO_SCHEMA_FILE } from '../../src/datastores/scenario-schema.js';
import { KINDS } from '../../src/datastores/registry.js';
import { packageRoot } from '../../src/package-paths.js';

test('schema/scenario.schema.json names every registered kind, role and kind setting (regenerate with `npm run schema`)', () => {
  const shipped = readFileSync(join(packageRoot(), SCENARIO_SCHEMA_FILE), 'utf8');
  assert.equal(shipped, completedSchemaText());
  const kinds = (JSON.parse(shipped).definitions.group.properties.kind as { enum: string[] }).enum;
  assert.deepEqual(kinds, KINDS.map((k) => k.name));
});
