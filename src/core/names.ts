// The one rule for every name that becomes a path under HADRILL_HOME, part of
// a Docker container or network name, or a label value: runs, scenarios, IDCs,
// nodes, Sentinels and clients. A name that passes cannot climb out of a
// directory, reach a shell, or overflow a host name: `hadrill-<run>-<node>` is
// at most 8 + 24 + 1 + 24 = 57 characters, under the 63 of a DNS label.
import { HadrillError } from './errors.js';

export const NAME_MAX_LENGTH = 24;

/** Starts with a letter, ends with a letter or digit, lower-case letters, digits and dashes between. */
export const NAME_PATTERN = `^[a-z](?:[a-z0-9-]{0,${NAME_MAX_LENGTH - 2}}[a-z0-9])?$`;

export const NAME_RULE = `lower-case letters, digits and dashes, starting with a letter and ending with a letter or digit, at most ${NAME_MAX_LENGTH} characters`;

const NAME = new RegExp(NAME_PATTERN);

/** Why `value` is not a valid name, or null when it is. */
export function nameProblem(value: unknown): string | null {
  if (typeof value !== 'string') return `must be a name (${NAME_RULE})`;
  if (value.length > NAME_MAX_LENGTH) return `${quoteName(value)} is ${value.length} characters long; a name is at most ${NAME_MAX_LENGTH}`;
  return NAME.test(value) ? null : `${quoteName(value)} is not a valid name: ${NAME_RULE}`;
}

/** The name itself when it is valid; otherwise a usage error (exit 2) that states the rule. */
export function requireName(what: string, value: string, hint?: string): string {
  const problem = nameProblem(value);
  if (problem === null) return value;
  throw new HadrillError('usage', `${what}: ${problem}.`, { hint: hint ?? 'Names look like idc-a, db-b, my-run-2.' });
}

/** A name as it can be shown in a message: quoted, cut short and with control characters escaped. */
export function quoteName(value: string): string {
  const shown = value.length > 40 ? `${value.slice(0, 40)}...` : value;
  return JSON.stringify(shown);
}
