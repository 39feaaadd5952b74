// Files hadrill replaces whole: written to a temporary file beside the target
// (created exclusively, never through a link), flushed to disk, then renamed
// over the target. A reader, or a crash at any moment, sees the old file or
// the new one, never half of one; and a symbolic link planted at the target's
// name is refused rather than written through (a rename would replace the link
// itself, not its target, but hadrill says so instead of quietly doing it).
import { closeSync, constants, fchmodSync, fsyncSync, lstatSync, openSync, readlinkSync, renameSync, rmSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { HadrillError } from '../core/errors.js';

/**
 * What a file is written from: a string or buffer, or chunks of text or bytes
 * written one after the other (a history of millions of lines, which as one
 * string would pass V8's limit on a string's length; a file copied a block at
 * a time). Each chunk is written before the next is asked for.
 */
export type FileData = string | Buffer | Iterable<string | Buffer>;

export interface AtomicWriteOptions {
  /** The file's mode; without it, 0666 less the umask, as for any new file. */
  mode?: number;
}

/** A temporary file written and flushed, waiting to be renamed over its target. */
export interface StagedFile {
  readonly target: string;
  readonly temp: string;
  /** Renames it over the target, after checking the target is no link. */
  commit(): void;
  /** Removes it (the target is left as it was). */
  discard(): void;
}

/** The temporary name for `file`: hidden, in the same directory (a rename never crosses file systems). */
export function tempNameFor(file: string): string {
  return join(dirname(file), `.${basename(file)}.${process.pid}-${randomBytes(6).toString('hex')}.tmp`);
}

/** Whether `name` is one of the temporary names tempNameFor gives, for one of `targets`. */
export function isTempNameOf(name: string, targets: readonly string[]): boolean {
  const match = /^\.(.+)\.\d+-[0-9a-f]{12}\.tmp$/.exec(name);
  return match !== null && targets.includes(match[1]!);
}

export function stageFile(file: string, data: FileData, options: AtomicWriteOptions = {}): StagedFile {
  refuseLink(file);
  const temp = tempNameFor(file);
  const fd = openSync(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, options.mode ?? 0o666);
  try {
    if (options.mode !== undefined) fchmodSync(fd, options.mode);
    const chunks = typeof data === 'string' ? [data] : Buffer.isBuffer(data) ? [data] : data;
    for (const chunk of chunks) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, bytes.length - done);
    }
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    rmSync(temp, { force: true });
    throw error;
  }
  closeSync(fd);
  return {
    target: file,
    temp,
    commit: () => {
      try {
        refuseLink(file);
        renameSync(temp, file);
      } catch (error) {
        rmSync(temp, { force: true });
        throw error;
      }
      syncDir(dirname(file));
    },
    discard: () => rmSync(temp, { force: true }),
  };
}

/** Writes `file` whole: a temporary file, flushed, renamed over it. */
export function writeFileAtomic(file: string, data: FileData, options: AtomicWriteOptions = {}): void {
  stageFile(file, data, options).commit();
}

/** Writes several files, each whole; none is replaced unless every one could be written. */
export function writeFilesAtomic(files: readonly { file: string; data: FileData }[], options: AtomicWriteOptions = {}): void {
  const staged: StagedFile[] = [];
  try {
    for (const { file, data } of files) staged.push(stageFile(file, data, options));
  } catch (error) {
    for (const s of staged) s.discard();
    throw error;
  }
  for (let i = 0; i < staged.length; i++) {
    try {
      staged[i]!.commit();
    } catch (error) {
      for (const s of staged.slice(i + 1)) s.discard();
      throw error;
    }
  }
}

/** Refuses a target that is a symbolic link or not a regular file; a missing one is fine. */
function refuseLink(file: string): void {
  let stat;
  try {
    stat = lstatSync(file);
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return;
    throw error;
  }
  if (stat.isSymbolicLink()) {
    throw new HadrillError('usage', `Refusing to write ${file}: it is a symbolic link (to ${linkTarget(file)}); hadrill never writes through one.`, {
      hint: `Remove the link (rm ${file}), or write somewhere else.`,
    });
  }
  if (!stat.isFile()) throw new HadrillError('usage', `Refusing to write ${file}: it is not a regular file.`, { hint: 'Remove it, or write somewhere else.' });
}

function linkTarget(file: string): string {
  try {
    return readlinkSync(file);
  } catch {
    return '?';
  }
}

/** Flushes a directory, so that a rename in it survives a crash; best effort (not every file system allows it). */
function syncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, constants.O_RDONLY | constants.O_DIRECTORY);
    fsyncSync(fd);
  } catch {
    // A directory that cannot be opened or flushed still holds the renamed file.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
