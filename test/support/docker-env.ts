// What the end-to-end tests need from the machine, checked loudly: they fail,
// never skip, when Docker or the image is missing.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { DockerRuntime } from '../../src/runtime/docker-runtime.js';
import { DockerImageImporter } from '../../src/runtime/docker-images.js';
import { buildBaseImage } from '../../src/images/build-image.js';
import { imageTag } from '../../src/images/image-spec.js';
import { LABEL_MANAGED, LABEL_RUN } from '../../src/core/plan/labels.js';

export const runtime = new DockerRuntime();

export async function requireDockerAndImage(): Promise<void> {
  try {
    await runtime.info();
  } catch (error) {
    assert.fail(`End-to-end tests need a running Docker engine (${(error as Error).message}). Run \`node bin/hadrill.js doctor --fix\` first; .ci/run does.`);
  }
  if (!(await runtime.imageExists(imageTag()))) {
    await buildBaseImage({ importer: new DockerImageImporter(runtime.docker) });
  }
}

export function uniqueRun(prefix: string): string {
  return `${prefix}-${randomBytes(3).toString('hex')}`;
}

export function tempHome(): string {
  return mkdtempSync(join(tmpdir(), 'hadrill-e2e-'));
}

export async function leftovers(run: string): Promise<{ containers: string[]; networks: string[] }> {
  const labels = { [LABEL_MANAGED]: 'true', [LABEL_RUN]: run };
  return {
    containers: (await runtime.list(labels)).map((c) => c.name),
    networks: (await runtime.listNetworks(labels)).map((n) => n.name),
  };
}

export async function removeEverything(run: string): Promise<void> {
  const labels = { [LABEL_RUN]: run };
  await Promise.all((await runtime.list(labels)).map((c) => runtime.remove(c.name)));
  for (const n of await runtime.listNetworks(labels)) await runtime.removeNetwork(n.name);
}
