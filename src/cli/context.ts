// What every command shares: the output, the Docker runtime (made on first
// use, so commands that need no Docker never touch it) and scenario loading.
import { readFileSync } from 'node:fs';
import { HadrillError } from '../core/errors.js';
import { parseDuration } from '../core/duration.js';
import { overrideSlos } from '../core/check/slo-scope.js';
import { parseScenario } from '../core/scenario/parse-scenario.js';
import type { Scenario, Slo, SloBounds } from '../core/scenario/scenario.js';
import { DockerRuntime } from '../runtime/docker-runtime.js';
import { Output } from './output.js';

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
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new HadrillError('usage', `Cannot read scenario ${path}: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}.`, {
      hint: 'Shipped scenarios are in scenarios/ (e.g. scenarios/hot-standby.yaml).',
    });
  }
  return parseScenario(text, path);
}

/** `--slo rto=10s --slo lostWrites=0` over the scenario's own SLOs. */
export function mergeSlos(base: Slo, overrides: string[] = []): Slo {
  const merged: SloBounds = {};
  for (const item of overrides.flatMap((o) => o.split(','))) {
    const [key, value] = item.split('=').map((s) => s.trim());
    if (key === 'rto' || key === 'rtoMs') {
      const ms = parseDuration(/^\d+$/.test(value ?? '') ? Number(value) : value);
      if (ms === null) throw new HadrillError('usage', `--slo ${item}: "${value}" is not a duration.`, { hint: 'Write e.g. --slo rto=30s or --slo rto=500ms.' });
      merged.rtoMs = ms;
    } else if (key === 'lostWrites' || key === 'lost') {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 0) throw new HadrillError('usage', `--slo ${item}: "${value}" is not a whole number.`, { hint: 'Write e.g. --slo lostWrites=0.' });
      merged.lostWrites = n;
    } else if (key === 'p99WriteDuringFault' || key === 'p99WriteMsDuringFault') {
      const ms = parseDuration(/^\d+$/.test(value ?? '') ? Number(value) : value);
      if (ms === null) throw new HadrillError('usage', `--slo ${item}: "${value}" is not a duration.`, { hint: 'Write e.g. --slo p99WriteDuringFault=500ms.' });
      merged.p99WriteMsDuringFault = ms;
    } else if (key === 'divergentRows') {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 0) throw new HadrillError('usage', `--slo ${item}: "${value}" is not a whole number.`, { hint: 'Write e.g. --slo divergentRows=0.' });
      merged.divergentRows = n;
    } else {
      throw new HadrillError('usage', `--slo ${item}: unknown SLO "${key}".`, { hint: 'Known SLOs: rto and p99WriteDuringFault (durations), lostWrites and divergentRows (counts).' });
    }
  }
  return overrideSlos(base, merged);
}
