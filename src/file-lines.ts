// A text file's lines, read a block at a time: a saved history can be larger
// than the longest string V8 holds, so it is never read as one.
import { closeSync, openSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

const BLOCK_BYTES = 1 << 20;

export function* readLinesSync(file: string): Generator<string> {
  const fd = openSync(file, 'r');
  try {
    const block = Buffer.alloc(BLOCK_BYTES);
    // A character split across two blocks is decoded whole.
    const decoder = new StringDecoder('utf8');
    let rest = '';
    for (;;) {
      const read = readSync(fd, block, 0, BLOCK_BYTES, null);
      if (read === 0) break;
      const lines = (rest + decoder.write(block.subarray(0, read))).split('\n');
      rest = lines.pop()!;
      yield* lines;
    }
    rest += decoder.end();
    if (rest !== '') yield rest;
  } finally {
    closeSync(fd);
  }
}
