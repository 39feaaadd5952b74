// What every command shares: the output, the Docker runtime (made on first
// use, so commands that need no Docker never touch it) and scenario loading.
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { HadrillError } from '../core/errors.js';
import { parseDuration } from '../core/duration.js';
import { overrideSlos } from '../core/check/slo-scope.js';
import { parseScenario } from '../core/scenario/parse-scenario.js';
import { SCENARIO_MAX_BYTES, sizeProblem } from '../core/scenario/scenario-limits.js';
import type { Scenario, Slo, SloBounds } from '../core/scenario/scenario.js';
import { DockerRuntime } from '../runtime/docker-runtime.js';
import { Output } from './output.js';
import { KIND_MODELS } from '../datastores/registry.js';

export interface GlobalOptions {
  json?: boolean;
  quiet?: boolean;
  debug?: boolean;
  run?: string;
}

export class Context {
  readonly output: Output;
  private docker: DockerRuntime | undefined;

  constructor(readonly options: GlobalOptions) {
    this.output = new Output({ json: Boolean(options.json), quiet: Boolean(options.quiet) });
  }

  get runtime(): DockerRuntime {
    this.docker ??= new DockerRuntime();
    return this.docker;
  }
}

export function readScenarioFile(path: string): Scenario {
  return parseScenario(readBounded(path), path, KIND_MODELS);
}

/**
 * The file's text, refused unread when it is larger than a scenario can be,
 * and never read past that bound (a FIFO or a device has no size to check).
 */
function readBounded(path: string): string {
  let fd: number;
  try {
    // Non-blocking, so a FIFO is refused below instead of waiting for a writer.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new HadrillError('usage', `Cannot read scenario ${path}: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}.`, {
      hint: 'Shipped scenarios are in scenarios/ (e.g. scenarios/hot-standby.yaml).',
    });
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new HadrillError('usage', `Cannot read scenario ${path}: it is ${stat.isDirectory() ? 'a directory' : 'not a regular file'}.`, { hint: 'Name a scenario YAML file, e.g. scenarios/hot-standby.yaml.' });
    const tooBig = sizeProblem(stat.size);
    if (tooBig) throw new HadrillError('config', `Scenario ${path}: ${tooBig}.`, { hint: 'A scenario describes a topology in a few dozen lines; check that this is the file you meant.' });
    const buffer = Buffer.alloc(SCENARIO_MAX_BYTES + 1);
    let length = 0;
    for (let n = 1; n > 0 && length < buffer.length; length += n) n = readSync(fd, buffer, length, buffer.length - length, null);
    const grown = sizeProblem(length);
    if (grown) throw new HadrillError('config', `Scenario ${path}: ${grown}.`);
    return buffer.subarray(0, length).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/** The SLOs `--slo` knows: the names it accepts, the bound they set, and whether the value is a duration or a count. */
const SLO_FLAGS: readonly { names: readonly string[]; bound: keyof SloBounds; kind: 'duration' | 'count' }[] = [
  { names: ['rto', 'rtoMs'], bound: 'rtoMs', kind: 'duration' },
  { names: ['lostWrites', 'lost'], bound: 'lostWrites', kind: 'count' },
  { names: ['p99WriteDuringFault', 'p99WriteMsDuringFault'], bound: 'p99WriteMsDuringFault', kind: 'duration' },
  { names: ['divergentRows'], bound: 'divergentRows', kind: 'count' },
  { names: ['conflicts'], bound: 'conflicts', kind: 'count' },
  { names: ['p99StaleRead', 'p99StaleReadMs'], bound: 'p99StaleReadMs', kind: 'duration' },
  { names: ['splitBrain', 'splitBrainMs'], bound: 'splitBrainMs', kind: 'duration' },
];

/** `--slo rto=10s --slo lostWrites=0` over the scenario's own SLOs. */
export function mergeSlos(base: Slo, overrides: string[] = []): Slo {
  const merged: SloBounds = {};
  for (const item of overrides.flatMap((o) => o.split(','))) {
    const [key, value] = item.split('=').map((s) => s.trim());
    const flag = SLO_FLAGS.find((f) => f.names.includes(key ?? ''));
    if (flag === undefined) {
      throw new HadrillError('usage', `--slo ${item}: unknown SLO "${key}".`, {
        hint: 'Known SLOs: rto, p99WriteDuringFault, p99StaleRead and splitBrain (durations), lostWrites, divergentRows and conflicts (counts).',
      });
    }
    if (flag.kind === 'duration') {
      const ms = parseDuration(/^\d+$/.test(value ?? '') ? Number(value) : value);
      if (ms === null) throw new HadrillError('usage', `--slo ${item}: "${value}" is not a duration.`, { hint: `Write e.g. --slo ${flag.names[0]}=30s or --slo ${flag.names[0]}=500ms.` });
      merged[flag.bound] = ms;
    } else {
      const n = Number(value);
      if (value === undefined || value === '' || !Number.isInteger(n) || n < 0) {
        throw new HadrillError('usage', `--slo ${item}: "${value}" is not a whole number.`, { hint: `Write e.g. --slo ${flag.names[0]}=0.` });
      }
      merged[flag.bound] = n;
    }
  }
  return overrideSlos(base, merged);
}
