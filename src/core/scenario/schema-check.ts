// JSON Schema validation of a scenario, with errors phrased for people: one
// message per place, naming what is allowed.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { readPackageJson } from '../../package-paths.js';
import { pointerToSegments } from './yaml-locator.js';

export interface SchemaProblem {
  segments: (string | number)[];
  /** true when the problem is the key itself (an unknown property) */
  atKey: boolean;
  message: string;
}

let validator: ValidateFunction | undefined;

function getValidator(): ValidateFunction {
  validator ??= new Ajv({ allErrors: true, verbose: true, strict: false }).compile(
    readPackageJson('schema/scenario.schema.json') as object,
  );
  return validator;
}

export function checkAgainstSchema(data: unknown): SchemaProblem[] {
  const validate = getValidator();
  if (validate(data)) return [];
  return toProblems(validate.errors ?? []);
}

function toProblems(errors: ErrorObject[]): SchemaProblem[] {
  // A failed oneOf (durations) reports each branch too; keep only the oneOf.
  const oneOfPaths = new Set(errors.filter((e) => e.keyword === 'oneOf').map((e) => e.instancePath));
  const seen = new Set<string>();
  const problems: SchemaProblem[] = [];
  for (const error of errors) {
    if (error.keyword !== 'oneOf' && oneOfPaths.has(error.instancePath)) continue;
    if (error.keyword === 'if') continue;
    const problem = toProblem(error);
    const key = `${problem.segments.join('/')}|${problem.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push(problem);
  }
  return problems;
}

function toProblem(error: ErrorObject): SchemaProblem {
  const segments = pointerToSegments(error.instancePath);
  const parent = (error.parentSchema ?? {}) as { description?: string; properties?: Record<string, unknown> };
  switch (error.keyword) {
    case 'required':
      return { segments, atKey: false, message: `missing required property "${String(error.params['missingProperty'])}"` };
    case 'additionalProperties': {
      const name = String(error.params['additionalProperty']);
      const allowed = Object.keys(parent.properties ?? {}).join(', ');
      return { segments: [...segments, name], atKey: true, message: `unknown property "${name}"; allowed here: ${allowed}` };
    }
    case 'enum':
      return {
        segments,
        atKey: false,
        message: `${JSON.stringify(error.data)} is not allowed; use one of: ${(error.params['allowedValues'] as unknown[]).join(', ')}`,
      };
    case 'oneOf':
      return { segments, atKey: false, message: `${JSON.stringify(error.data)} is not ${parent.description ?? 'valid here'}` };
    case 'pattern':
      return { segments, atKey: false, message: `${JSON.stringify(error.data)} is not valid: ${parent.description ?? `must match ${String(error.params['pattern'])}`}` };
    case 'type':
      return { segments, atKey: false, message: `must be ${withArticle(String(error.params['type']))}, not ${JSON.stringify(error.data)}` };
    default:
      return { segments, atKey: false, message: error.message ?? 'is invalid' };
  }
}

function withArticle(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}
