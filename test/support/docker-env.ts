// What the end-to-end tests need from the machine, checked loudly: they fail,
// never skip, when Docker or the image is missing.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { DockerRuntime } from '../../src/runtime/docker-runtime.js';
import { DockerImageImporter } from '../../src/runtime/docker-images.js';
import { buildBaseImage } from '../../src/images/build-image.js';
import { imageTag } from '../../src/images/image-spec.js';
import { LABEL_HOME, LABEL_MANAGED, LABEL_RUN } from '../../src/core/plan/labels.js';

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

/** The id a test's HADRILL_HOME got on its first `up`. */
export function homeIdOf(home: string): string {
  return readFileSync(join(home, 'home-id'), 'utf8').trim();
}

/** Everything of the run, of this test's home only when `home` is given: another home's run of the same name stays. */
export async function removeEverything(run: string, home?: string): Promise<void> {
  if (home !== undefined && !existsSync(join(home, 'home-id'))) return;
  const labels = { [LABEL_RUN]: run, ...(home !== undefined ? { [LABEL_HOME]: homeIdOf(home) } : {}) };
  await Promise.all((await runtime.list(labels)).map((c) => runtime.remove(c.name)));
  for (const n of await runtime.listNetworks(labels)) await runtime.removeNetwork(n.name);
}

/** Host processes whose command line names the run (a healer waiting to heal one of its faults). */
export function processesOf(run: string): string[] {
  return readdirSync('/proc')
    .filter((pid) => /^\d+$/.test(pid))
    .flatMap((pid) => {
      try {
        const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
        return args.includes(run) && args.some((a) => a.endsWith('hadrill.js')) ? [`${pid}: ${args.join(' ')}`] : [];
      } catch {
        return [];
      }
    });
}
