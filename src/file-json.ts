// A JSON file's value, read a block at a time (see file-text.ts): a saved
// final state can be larger than the longest string V8 holds, so it is
// never read as one.
import { JsonStreamParser, type JsonStreamOptions } from './core/json-stream.js';
import { readTextSync } from './file-text.js';

/** JSON.parse(readFileSync(file, 'utf8')), for a file of any size; see JsonStreamOptions for sharing strings. */
export function readJsonFileSync(file: string, options: JsonStreamOptions = {}): unknown {
  const parser = new JsonStreamParser(options);
  for (const piece of readTextSync(file)) parser.push(piece);
  return parser.end();
}
