// A text file's lines, read a block at a time (see file-text.ts): a saved
// history can be larger than the longest string V8 holds, so it is never
// read as one.
import { readTextSync } from './file-text.js';

export function* readLinesSync(file: string): Generator<string> {
  let rest = '';
  for (const piece of readTextSync(file)) {
    const lines = (rest + piece).split('\n');
    rest = lines.pop()!;
    yield* lines;
  }
  if (rest !== '') yield rest;
}
