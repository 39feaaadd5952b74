// A file's bytes a block at a time, to copy a file of any size through code
// that writes chunks (a report file replaced whole, see atomic-file.ts).
import { closeSync, openSync, readSync } from 'node:fs';

const BLOCK_BYTES = 1 << 20;

/** The file's blocks; each is valid only until the next is asked for (one buffer is reused). */
export function* readBlocksSync(file: string): Generator<Buffer> {
  const fd = openSync(file, 'r');
  try {
    const block = Buffer.alloc(BLOCK_BYTES);
    for (;;) {
      const read = readSync(fd, block, 0, BLOCK_BYTES, null);
      if (read === 0) return;
      yield block.subarray(0, read);
    }
  } finally {
    closeSync(fd);
  }
}
