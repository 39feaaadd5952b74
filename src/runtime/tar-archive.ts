// A minimal ustar archive of a few small files, as the engine's "put archive"
// call takes them: how secrets and configs get into a container before it
// starts without passing through its environment, its command line or a
// host directory another user could read.

export interface ArchiveFile {
  /** Absolute path inside the container. */
  path: string;
  content: string;
  mode: number;
}

const BLOCK = 512;

export function tarArchive(files: ArchiveFile[]): Buffer {
  const parts: Buffer[] = [];
  for (const file of files) {
    const body = Buffer.from(file.content, 'utf8');
    parts.push(header(file.path.replace(/^\/+/, ''), body.length, file.mode), body, Buffer.alloc(padding(body.length)));
  }
  parts.push(Buffer.alloc(BLOCK * 2));
  return Buffer.concat(parts);
}

function header(name: string, size: number, mode: number): Buffer {
  if (Buffer.byteLength(name) > 100) throw new Error(`tar: path too long: ${name}`);
  const h = Buffer.alloc(BLOCK);
  const field = (offset: number, length: number, value: string): void => void h.write(value, offset, length, 'utf8');
  const octal = (offset: number, length: number, value: number): void => field(offset, length, `${value.toString(8).padStart(length - 1, '0')}\0`);
  field(0, 100, name);
  octal(100, 8, mode);
  octal(108, 8, 0); // uid root
  octal(116, 8, 0); // gid root
  octal(124, 12, size);
  octal(136, 12, 0); // mtime: a fixed instant, so the same files make the same archive
  field(148, 8, '        '); // checksum counts as spaces while it is computed
  field(156, 1, '0'); // a regular file
  field(257, 6, 'ustar\0');
  field(263, 2, '00');
  let sum = 0;
  for (const byte of h) sum += byte;
  field(148, 8, `${sum.toString(8).padStart(6, '0')}\0 `);
  return h;
}

function padding(size: number): number {
  return (BLOCK - (size % BLOCK)) % BLOCK;
}
