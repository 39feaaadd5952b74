// Errors that reach the user: each names the object, says what is wrong and
// how to fix it, and maps to an exit code.

export type ErrorCode = 'usage' | 'config' | 'environment' | 'setup' | 'interrupted' | 'terminated' | 'internal';

export const EXIT_CODES: Record<ErrorCode, number> = {
  usage: 2,
  config: 2,
  environment: 2,
  setup: 2,
  /** SIGINT, as shells report it: 128 + 2. */
  interrupted: 130,
  /** SIGTERM: 128 + 15. */
  terminated: 143,
  internal: 2,
};

export class HadrillError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;

  constructor(code: ErrorCode, message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'HadrillError';
    this.code = code;
    this.hint = options.hint;
  }
}

/**
 * The Docker engine, or someone using it, took the run's containers away
 * under a drill: a container removed by hand, or the engine restarted or
 * unreachable. `phase` is the drill phase it happened in, so what was
 * measured up to then can be reported as incomplete.
 */
export class EngineFaultError extends HadrillError {
  readonly phase: string;

  constructor(phase: string, message: string, options: { hint: string; cause?: unknown }) {
    super('environment', message, options);
    this.name = 'EngineFaultError';
    this.phase = phase;
  }
}

/** One problem in a scenario file, located for the reader. */
export interface ScenarioProblem {
  path: string;
  line: number | null;
  column: number | null;
  message: string;
}

export class ScenarioError extends HadrillError {
  readonly file: string;
  readonly problems: ScenarioProblem[];
  /** Problems found but not listed: a hostile file can hold millions, and the first few say enough. */
  readonly omitted: number;

  constructor(file: string, problems: ScenarioProblem[], omitted = 0) {
    super('config', formatProblems(file, problems, omitted), {
      hint: 'Fix the scenario file; `hadrill validate FILE` checks it without touching Docker. The schema is schema/scenario.schema.json.',
    });
    this.name = 'ScenarioError';
    this.file = file;
    this.problems = problems;
    this.omitted = omitted;
  }
}

function formatProblems(file: string, problems: ScenarioProblem[], omitted: number): string {
  const lines = problems.map((p) => {
    const where = p.line === null ? file : `${file}:${p.line}:${p.column ?? 1}`;
    return `  ${where}  ${p.path ? `${p.path}: ` : ''}${p.message}`;
  });
  if (omitted > 0) lines.push(`  ... and ${omitted} more`);
  const total = problems.length + omitted;
  return `Invalid scenario ${file} (${total} problem${total === 1 ? '' : 's'}):\n${lines.join('\n')}`;
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
