// A text file read a block at a time, as pieces of text: a saved history or
// final state can be larger than the longest string V8 holds, so it is
// never read as one. Each piece ends on a character's end, so none is cut in
// two, and a piece that is all ASCII (as hadrill's files mostly are) is read
// as Latin-1, a plain copy, some twenty times faster than decoding UTF-8.
import { isAscii } from 'node:buffer';
import { closeSync, openSync, readSync } from 'node:fs';

/**
 * 64 KiB: a piece stays under V8's largest ordinary heap object (128 KiB);
 * a larger string lives in the large-object space, and splitting a history
 * into lines from such pieces measured ten times slower here.
 */
const BLOCK_BYTES = 1 << 16;

export function* readTextSync(file: string): Generator<string> {
  const fd = openSync(file, 'r');
  try {
    // Room for the end of a character held over from the block before.
    const block = Buffer.alloc(BLOCK_BYTES + 3);
    let held = 0;
    for (;;) {
      const read = readSync(fd, block, held, BLOCK_BYTES, null);
      const end = held + read;
      if (read === 0) {
        // A file that ends inside a character: decoded as UTF-8 decodes it, with a replacement character.
        if (held > 0) yield block.toString('utf8', 0, held);
        return;
      }
      const cut = wholeCharactersEnd(block, end);
      const bytes = block.subarray(0, cut);
      yield isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
      block.copy(block, 0, cut, end);
      held = end - cut;
    }
  } finally {
    closeSync(fd);
  }
}

/** Where the last whole character of block's first end bytes ends: end, or the start of a character cut by it. */
function wholeCharactersEnd(block: Buffer, end: number): number {
  // The last character starts after at most three continuation bytes (10xxxxxx).
  let start = end - 1;
  while (start > 0 && end - start <= 3 && (block[start]! & 0xc0) === 0x80) start--;
  const lead = block[start]!;
  const length = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  return end - start >= length ? end : start;
}
