// Reading a refused scenario as the user sees it: the parser's error, each
// problem at its file:line:column with its path and message, on the line of
// the file where that path is written.
import assert from 'node:assert/strict';
import { EXIT_CODES, ScenarioError } from '../../src/core/errors.js';
import { parseScenario } from '../../src/core/scenario/parse-scenario.js';
import { KIND_MODELS } from '../../src/datastores/registry.js';

/** The error refusing `text` (read as `file`): a configuration error that exits 2 and names the file. */
export function rejectedScenario(text: string, file: string): ScenarioError {
  try {
    parseScenario(text, file, KIND_MODELS);
  } catch (error) {
    assert.ok(error instanceof ScenarioError, String(error));
    assert.equal(error.code, 'config');
    assert.equal(EXIT_CODES[error.code], 2, 'bad input exits 2');
    assert.equal(error.file, file);
    return error;
  }
  assert.fail('the scenario was accepted');
}

/**
 * The problems reported at `path`: the error's message shows each as
 * `file:line:column  path: message`, and the line it points at holds `onLine`.
 * Returns their messages, one a line, for the caller to check what they say to do.
 */
export function problemAtPath(text: string, file: string, path: string, onLine: string): string {
  const error = rejectedScenario(text, file);
  const found = error.problems.filter((x) => x.path === path);
  assert.ok(found.length > 0, `no problem at ${path}; found: ${JSON.stringify(error.problems)}`);
  for (const p of found) {
    assert.ok(p.line !== null && p.column !== null, `${path} is located`);
    assert.ok(text.split('\n')[p.line - 1]?.includes(onLine), `line ${p.line} of the file is where ${path} is written: ${text.split('\n')[p.line - 1]}`);
    assert.ok(error.message.includes(`${file}:${p.line}:${p.column}  ${path}: ${p.message}`), error.message);
  }
  return found.map((p) => p.message).join('\n');
}
