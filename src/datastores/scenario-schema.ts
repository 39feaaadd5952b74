// The shipped scenario schema (schema/scenario.schema.json) knows every
// registered kind: the names a group's `kind` may take, every role a node may
// have, and the settings each kind adds to a group. This completes a schema
// from the registry; `npm run schema` writes the file, and a unit test keeps
// the file equal to its completion.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageRoot, readPackageJson } from '../package-paths.js';
import { KINDS } from './registry.js';

type Json = Record<string, unknown>;

export function withKinds(schema: Json): Json {
  const copy = structuredClone(schema);
  const group = (copy['definitions'] as Record<string, Json>)['group'] as Json & { properties: Record<string, Json> };
  const props = group.properties;
  props['kind'] = { ...props['kind'], enum: KINDS.map((k) => k.name) };
  const nodeRole = (((props['nodes'] as Json)['items'] as Json)['properties'] as Record<string, Json>)['role']!;
  nodeRole['enum'] = [...new Set(KINDS.flatMap((k) => k.model.roles))];
  for (const k of KINDS) Object.assign(props, structuredClone(k.model.schemaProperties));
  return copy;
}

export const SCENARIO_SCHEMA_FILE = 'schema/scenario.schema.json';

/** The shipped file, completed from the registry, as it is written. */
export function completedSchemaText(): string {
  return JSON.stringify(withKinds(readPackageJson(SCENARIO_SCHEMA_FILE) as Json), null, 2) + '\n';
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(join(packageRoot(), SCENARIO_SCHEMA_FILE), completedSchemaText());
  console.log(`wrote ${SCENARIO_SCHEMA_FILE}`);
}
