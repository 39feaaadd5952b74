// Builds hadrill's base image without a registry: debootstrap a Debian
// rootfs from the host's mirror, add hadrill's scripts, and import the tree
// as an image. Machines without registry access can still run real MariaDB
// and Redis this way.
import { constants as fsConstants } from 'node:fs';
import { access, chmod, mkdir, mkdtemp, readFile, readdir, realpath, rm, statfs, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { PassThrough } from 'node:stream';
// execa is loaded where a build runs it: every other command starts faster without it.
import { HadrillError, errorMessage } from '../core/errors.js';
import { findHostMirror } from './apt-mirror.js';
import {
  DEBIAN_SUITE,
  DEBOOTSTRAP_VARIANT,
  BUILD_SCRIPTS,
  IMAGE_FILES,
  IMAGE_PACKAGES,
  IMAGE_REPOSITORY,
  TINI_PATH,
  imageChanges,
  imageContentHash,
  imagesDir,
  readImageFile,
} from './image-spec.js';

export interface ImageImporter {
  imageExists(tag: string): Promise<boolean>;
  /** Imports a rootfs tar stream as `tag`; resolves once the image exists. */
  importRootfsTar(tar: NodeJS.ReadableStream, tag: string, changes: string[]): Promise<void>;
}

export interface BuildBaseImageOptions {
  importer: ImageImporter;
  /** Defaults to imageTag(). */
  tag?: string;
  onProgress?: (msg: string) => void;
  /** Where the temporary rootfs is created; the OS temp dir by default. */
  workDir?: string;
  /** Rebuild even when the tag already exists. */
  force?: boolean;
  /** Debian mirror URL; defaults to $HADRILL_DEBIAN_MIRROR, then the host's apt sources. */
  mirror?: string;
}

export interface BuildBaseImageResult {
  tag: string;
  built: boolean;
  seconds: number;
  /** Phase durations of a real build, in seconds. */
  phases?: { debootstrap: number; customise: number; import: number };
}

/** A debootstrapped bookworm with the package list is about 780 MB before clean-up. */
const MIN_FREE_BYTES = 1.5 * 1024 ** 3;

const TAIL_LINES = 25;

/** Files debootstrap leaves behind that must exist, or the image is unusable. */
const REQUIRED_BINARIES = ['usr/sbin/mariadbd', 'usr/bin/redis-server', 'usr/bin/node', 'usr/bin/ip', 'usr/bin/mariadb'];

export async function buildBaseImage(opts: BuildBaseImageOptions): Promise<BuildBaseImageResult> {
  const started = performance.now();
  const elapsed = (from: number): number => Math.round((performance.now() - from) / 10) / 100;
  const progress = opts.onProgress ?? (() => {});
  const dir = imagesDir();
  const contentHash = imageContentHash(dir);
  const tag = opts.tag ?? `${IMAGE_REPOSITORY}:${contentHash.slice(0, 12)}`;

  if (!opts.force && (await opts.importer.imageExists(tag))) {
    progress(`image ${tag} already present`);
    return { tag, built: false, seconds: elapsed(started) };
  }

  requireRoot();
  const debootstrap = await findDebootstrap();
  const mirror = opts.mirror ?? nonEmpty(process.env['HADRILL_DEBIAN_MIRROR']) ?? (await findHostMirror());
  const workDir = opts.workDir ?? tmpdir();
  await mkdir(workDir, { recursive: true });
  await requireFreeSpace(workDir);

  // Resolved, because /proc/self/mounts lists resolved paths (see removeTree).
  const tempDir = await realpath(await mkdtemp(join(workDir, 'hadrill-rootfs-')));
  const rootfs = join(tempDir, 'rootfs');
  try {
    progress(`building ${tag}: debootstrap ${DEBIAN_SUITE} from ${mirror} into ${rootfs}`);
    const debootstrapStarted = performance.now();
    await runDebootstrap(debootstrap, rootfs, mirror, progress);
    const debootstrapSeconds = elapsed(debootstrapStarted);
    progress(`debootstrap finished in ${debootstrapSeconds} s`);

    const customiseStarted = performance.now();
    const withTini = await customiseRootfs(rootfs, dir, progress);
    const customiseSeconds = elapsed(customiseStarted);

    progress(`importing ${tag} into Docker`);
    const importStarted = performance.now();
    await importRootfs(opts.importer, rootfs, tag, imageChanges(withTini, contentHash));
    const importSeconds = elapsed(importStarted);
    progress(`import finished in ${importSeconds} s`);

    return {
      tag,
      built: true,
      seconds: elapsed(started),
      phases: { debootstrap: debootstrapSeconds, customise: customiseSeconds, import: importSeconds },
    };
  } finally {
    await removeTree(tempDir, progress);
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function requireRoot(): void {
  const uid = process.getuid?.();
  if (uid !== undefined && uid !== 0) {
    throw new HadrillError(
      'environment',
      `Building the hadrill base image needs root (running as uid ${uid}): debootstrap creates device nodes, chroots and sets file ownership.`,
      { hint: 'Run the command as root (for example with sudo), or build the image once as root and reuse it.' },
    );
  }
}

async function findDebootstrap(): Promise<string> {
  // Often installed in /usr/sbin, which is missing from many users' PATH.
  const dirs = [...(process.env['PATH'] ?? '').split(delimiter), '/usr/sbin', '/sbin', '/usr/local/sbin'];
  for (const d of dirs) {
    if (d === '') continue;
    const candidate = join(d, 'debootstrap');
    try {
      await access(candidate, fsConstants.X_OK);
      return candidate;
    } catch {
      // next directory
    }
  }
  throw new HadrillError('environment', 'debootstrap is not installed; hadrill needs it to build its base image without a registry.', {
    hint: 'Install it with: apt-get install -y debootstrap',
  });
}

async function requireFreeSpace(dir: string): Promise<void> {
  const stats = await statfs(dir);
  const free = stats.bavail * stats.bsize;
  if (free < MIN_FREE_BYTES) {
    throw new HadrillError(
      'environment',
      `Only ${(free / 1024 ** 3).toFixed(2)} GiB free in ${dir}; building the base image needs about ${(MIN_FREE_BYTES / 1024 ** 3).toFixed(1)} GiB there.`,
      { hint: 'Free some space or pass another work directory.' },
    );
  }
}

function sbinPath(): string {
  const current = process.env['PATH'] ?? '';
  const extra = ['/usr/local/sbin', '/usr/sbin', '/sbin'].filter((d) => !current.split(delimiter).includes(d));
  return [current, ...extra].filter(Boolean).join(delimiter);
}

async function runDebootstrap(
  debootstrap: string,
  rootfs: string,
  mirror: string,
  progress: (msg: string) => void,
): Promise<void> {
  const { execa } = await import('execa');
  const args = [
    `--variant=${DEBOOTSTRAP_VARIANT}`,
    `--include=${IMAGE_PACKAGES.join(',')}`,
    DEBIAN_SUITE,
    rootfs,
    mirror,
  ];
  const subprocess = execa(debootstrap, args, {
    all: true,
    buffer: false,
    reject: false,
    stdin: 'ignore',
    env: { PATH: sbinPath(), LC_ALL: 'C' },
  });
  const tail: string[] = [];
  const lines = createInterface({ input: subprocess.all, crlfDelay: Infinity });
  for await (const line of lines) {
    if (line.trim() === '') continue;
    tail.push(line);
    if (tail.length > TAIL_LINES) tail.shift();
    progress(`debootstrap: ${line}`);
  }
  const result = await subprocess;
  if (result.failed) {
    const why = result.exitCode === undefined ? (result.signal ?? result.shortMessage) : `exit code ${result.exitCode}`;
    // The details of a failed package download or postinst are only in
    // debootstrap's own log, which goes away with the temporary rootfs.
    const log = await readFile(join(rootfs, 'debootstrap', 'debootstrap.log'), 'utf8').catch(() => '');
    const logTail = log.split('\n').filter((line) => line.trim() !== '').slice(-TAIL_LINES);
    throw new HadrillError(
      'setup',
      `debootstrap ${DEBIAN_SUITE} from ${mirror} failed (${why}). Last output:\n  ${tail.join('\n  ')}` +
        (logTail.length > 0 ? `\nEnd of debootstrap.log:\n  ${logTail.join('\n  ')}` : ''),
      {
        hint:
          'Check that the mirror is reachable from this host (it comes from /etc/apt sources or HADRILL_DEBIAN_MIRROR) ' +
          'and that it serves the bookworm suite.',
      },
    );
  }
}

/** Adds hadrill's files and trims the rootfs. Returns whether tini is present. */
async function customiseRootfs(rootfs: string, dir: string, progress: (msg: string) => void): Promise<boolean> {
  const { execa } = await import('execa');
  for (const binary of REQUIRED_BINARIES) {
    if (!(await exists(join(rootfs, binary)))) {
      throw new HadrillError('setup', `debootstrap finished but /${binary} is missing from the rootfs; the image would not work.`);
    }
  }

  // Debian's postinst normally initialises the datadir; a server starting from
  // a ready datadir answers in about a second instead of several.
  if (!(await exists(join(rootfs, 'var/lib/mysql/mysql')))) {
    progress('initialising the MariaDB datadir with mariadb-install-db');
    await execa(
      'chroot',
      [
        rootfs,
        'mariadb-install-db',
        '--user=mysql',
        '--datadir=/var/lib/mysql',
        '--skip-test-db',
        '--auth-root-authentication-method=socket',
      ],
      { env: { PATH: sbinPath(), LC_ALL: 'C' }, stdin: 'ignore' },
    );
  }

  for (const file of IMAGE_FILES) {
    const target = join(rootfs, file.target);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, readImageFile(dir, file));
    await chmod(target, file.mode);
  }

  // Scripts the build runs once inside the rootfs, after the files are in place.
  for (const script of BUILD_SCRIPTS) {
    progress(`running ${script} in the rootfs`);
    await execa('chroot', [rootfs, script], { env: { PATH: sbinPath(), LC_ALL: 'C' }, stdin: 'ignore' });
  }

  // debootstrap copies the build host's name and resolver into the rootfs;
  // Docker supplies both at run time, and the host's are no business of the image.
  await writeFile(join(rootfs, 'etc/hostname'), 'hadrill\n');
  await writeFile(join(rootfs, 'etc/resolv.conf'), '');

  // Downloaded .debs and package lists are ~140 MB that nothing in a
  // hadrill container uses.
  await removeEntries(join(rootfs, 'var/cache/apt/archives'), (name) => name.endsWith('.deb'));
  await removeEntries(join(rootfs, 'var/cache/apt'), (name) => name.endsWith('.bin'));
  await removeEntries(join(rootfs, 'var/lib/apt/lists'), (name) => name !== 'partial' && name !== 'lock');

  return exists(join(rootfs, TINI_PATH));
}

async function removeEntries(dir: string, shouldRemove: (name: string) => boolean): Promise<void> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (shouldRemove(name)) await rm(join(dir, name), { recursive: true, force: true });
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

async function importRootfs(importer: ImageImporter, rootfs: string, tag: string, changes: string[]): Promise<void> {
  const { execa } = await import('execa');
  // Numeric owners: the ids inside the rootfs are the rootfs' own users
  // (mysql, redis), which may carry other names or none on the build host.
  const tar = execa('tar', ['-C', rootfs, '--numeric-owner', '-cf', '-', '.'], {
    buffer: { stdout: false },
    reject: false,
    stdin: 'ignore',
  });
  // The tar stream only ends cleanly once tar has exited with success. A
  // failing tar destroys it instead, so that Docker sees a broken upload and
  // refuses it rather than committing a truncated filesystem.
  const body = new PassThrough({ highWaterMark: 1024 * 1024 });
  // Attached before any await: with buffering off, execa drains and drops
  // stdout that nobody is reading yet.
  tar.stdout.pipe(body, { end: false });
  // tarDone reports a tar failure; an importer that has already given up may
  // no longer listen, and an unheard 'error' event would crash the process.
  body.on('error', () => {});
  let tarStoppedByUs = false;
  const tarDone = tar.then((result) => {
    if (result.failed) {
      const error = new HadrillError('setup', `tar of ${rootfs} failed: ${result.stderr || result.shortMessage}`);
      body.destroy(error);
      throw error;
    }
    body.end();
  });
  const importDone = importer.importRootfsTar(body, tag, changes).catch((error: unknown) => {
    // Docker stopped reading; tar would otherwise block on a full pipe forever.
    tarStoppedByUs = tar.kill();
    throw error;
  });
  const [tarResult, importResult] = await Promise.allSettled([tarDone, importDone]);
  if (tarResult.status === 'rejected' && !tarStoppedByUs) throw tarResult.reason;
  if (importResult.status === 'rejected') {
    throw new HadrillError('setup', `Docker could not import the base image ${tag}: ${errorMessage(importResult.reason)}`, {
      cause: importResult.reason,
    });
  }
}

/**
 * Removes the temporary rootfs. If debootstrap died while it had /proc or /sys
 * mounted inside the rootfs, those are unmounted first: a recursive delete
 * must never walk into the host's live filesystems.
 */
async function removeTree(dir: string, progress: (msg: string) => void): Promise<void> {
  const { execa } = await import('execa');
  const mounts = await mountsUnder(dir);
  for (const mountPoint of mounts) {
    await execa('umount', ['-l', mountPoint], { reject: false, env: { PATH: sbinPath() } });
  }
  const remaining = await mountsUnder(dir);
  if (remaining.length > 0) {
    progress(`left ${dir} in place: still mounted below it: ${remaining.join(', ')}`);
    return;
  }
  await rm(dir, { recursive: true, force: true });
}

async function mountsUnder(dir: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile('/proc/self/mounts', 'utf8');
  } catch {
    return [];
  }
  const prefix = dir.endsWith('/') ? dir : `${dir}/`;
  return text
    .split('\n')
    .map((line) => line.split(' ')[1])
    .filter((p): p is string => p !== undefined)
    .map((p) => p.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8))))
    .filter((p) => p.startsWith(prefix))
    // Deepest first, so that nested mounts come off before their parents.
    .sort((a, b) => b.length - a.length);
}
