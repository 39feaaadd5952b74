// JSON Schema validation of a scenario, with errors phrased for people: one
// message per place, naming what is allowed. Work is linear in the document:
// ajv makes one pass, and only the problems that are shown get a message.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { readPackageJson } from '../../package-paths.js';
import { parseDuration } from '../duration.js';
import { NAME_PATTERN, NAME_RULE, nameProblem } from '../names.js';
import { parsePercent, parseRateKbit } from '../units.js';
import { pointerToSegments } from './yaml-locator.js';

export interface SchemaProblem {
  segments: (string | number)[];
  /** true when the problem is the key itself (an unknown property) */
  atKey: boolean;
  message: string;
}

export interface SchemaCheck {
  /** The first problems, in document order, at most the limit asked for. */
  problems: SchemaProblem[];
  /** Every distinct problem, shown or not. */
  total: number;
}

let validator: ValidateFunction | undefined;

/**
 * The shipped schema, with the name rule taken from core (the file carries
 * the same rule for editors; a unit test keeps the two equal), and formats
 * for what a pattern cannot bound: durations up to a day, loss up to 100%,
 * rates tc accepts.
 */
function getValidator(): ValidateFunction {
  if (validator) return validator;
  const schema = readPackageJson('schema/scenario.schema.json') as { definitions: Record<string, unknown> };
  schema.definitions['name'] = { type: 'string', pattern: NAME_PATTERN, description: NAME_RULE };
  const ajv = new Ajv({ allErrors: true, verbose: true, strict: false });
  ajv.addFormat('hadrill-duration', (value: string) => parseDuration(value) !== null);
  ajv.addFormat('hadrill-percent', (value: string) => parsePercent(value) !== null);
  ajv.addFormat('hadrill-rate', (value: string) => parseRateKbit(value) !== null);
  validator = ajv.compile(schema);
  return validator;
}

export function checkAgainstSchema(data: unknown, limit = Infinity): SchemaCheck {
  const validate = getValidator();
  if (validate(data)) return { problems: [], total: 0 };
  return toProblems(validate.errors ?? [], limit);
}

function toProblems(errors: ErrorObject[], limit: number): SchemaCheck {
  // A failed oneOf (durations) reports each branch too; keep only the oneOf.
  const oneOfPaths = new Set(errors.filter((e) => e.keyword === 'oneOf').map((e) => e.instancePath));
  const seen = new Set<string>();
  const problems: SchemaProblem[] = [];
  for (const error of errors) {
    if (error.keyword !== 'oneOf' && oneOfPaths.has(error.instancePath)) continue;
    if (error.keyword === 'if') continue;
    // Deduplicated by place and kind before any message is built, so a huge file costs one pass.
    const key = `${error.instancePath}|${error.keyword}|${String(error.params['additionalProperty'] ?? error.params['missingProperty'] ?? '')}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (problems.length < limit) problems.push(toProblem(error));
  }
  return { problems, total: seen.size };
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
      return { segments: [...segments, name], atKey: true, message: `unknown property ${describeValue(name)}; allowed here: ${allowed}` };
    }
    case 'enum':
      return {
        segments,
        atKey: false,
        message: `${describeValue(error.data)} is not allowed; use one of: ${(error.params['allowedValues'] as unknown[]).join(', ')}`,
      };
    case 'oneOf':
      return { segments, atKey: false, message: `${describeValue(error.data)} is not ${parent.description ?? 'valid here'}` };
    case 'pattern':
      if (parent.description === NAME_RULE) return { segments, atKey: false, message: nameProblem(error.data) ?? 'is not a valid name' };
      return { segments, atKey: false, message: `${describeValue(error.data)} is not valid: ${parent.description ?? `must match ${String(error.params['pattern'])}`}` };
    case 'format':
    case 'maxLength':
      return { segments, atKey: false, message: `${describeValue(error.data)} is not valid: ${parent.description ?? error.message ?? ''}` };
    case 'type':
      return { segments, atKey: false, message: `must be ${withArticle(String(error.params['type']))}, not ${describeValue(error.data)}` };
    case 'minProperties':
    case 'maxProperties': {
      // A mapping that takes exactly one of its keys (a container selector, where a secret comes from).
      const exactlyOne = (parent as { minProperties?: number; maxProperties?: number }).minProperties === 1 && (parent as { maxProperties?: number }).maxProperties === 1;
      if (exactlyOne && parent.properties) {
        return { segments, atKey: false, message: `give exactly one of ${Object.keys(parent.properties).join(', ')}${parent.description ? ` (${parent.description})` : ''}` };
      }
      return { segments, atKey: false, message: error.message ?? 'is invalid' };
    }
    default:
      return { segments, atKey: false, message: error.message ?? 'is invalid' };
  }
}

/**
 * A value as a message can show it: short strings quoted, numbers as
 * written, collections by their kind. Never the whole of a large value.
 */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null || value === undefined) return 'nothing (null)';
  return Array.isArray(value) ? `a list of ${value.length}` : 'a mapping';
}

function withArticle(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}
