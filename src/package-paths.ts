// Where the package's own files (schemas, scenarios, compiled code) live, both
// from the source tree and from an installed package.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cachedRoot: string | undefined;

export function packageRoot(): string {
  if (cachedRoot) return cachedRoot;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('hadrill package.json not found above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
  cachedRoot = dir;
  return dir;
}

export function readPackageJson(relativePath: string): unknown {
  return JSON.parse(readFileSync(join(packageRoot(), relativePath), 'utf8'));
}

export function packageVersion(): string {
  return (readPackageJson('package.json') as { version: string }).version;
}
