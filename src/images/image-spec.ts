// What goes into hadrill's base image, and the tag that identifies it. The tag
// is derived from everything that shapes the image, so a changed package list
// or script yields a new tag and an outdated image is never reused by mistake.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { kindPackages } from '../datastores/registry.js';
import { packageRoot } from '../package-paths.js';

export const IMAGE_REPOSITORY = 'hadrill/base';

/** Label on the image holding the full content hash the tag was cut from. */
export const IMAGE_HASH_LABEL = 'dev.hadrill.image-hash';

export const DEBIAN_SUITE = 'bookworm';

export const DEBOOTSTRAP_VARIANT = 'minbase';

/**
 * Debian packages installed by debootstrap: what each datastore kind asks for
 * (MariaDB 10.11, because Debian has no MySQL server; Galera; Redis and its
 * Sentinel), then what every container of hadrill's needs. tini so that
 * signals reach the server processes and `docker stop` is a clean shutdown
 * rather than a kill after the grace period.
 */
export const IMAGE_PACKAGES: readonly string[] = [
  ...kindPackages(),
  'iproute2',
  'iptables',
  'iputils-ping',
  // The entrypoint turns segmentation offload off, so link shapes act on every TCP segment.
  'ethtool',
  'procps',
  'ca-certificates',
  'nodejs',
  'tini',
  // Runs hadrill-wan, the WAN emulator for kernels without netem (it needs fcntl/ioctl for TUN, which Node lacks).
  'python3',
];

export interface ImageFile {
  /** Path under the package's images/ directory. */
  source: string;
  /** Absolute path inside the image. */
  target: string;
  mode: number;
}

export const IMAGE_FILES: readonly ImageFile[] = [
  { source: 'hadrill-entrypoint', target: '/usr/local/bin/hadrill-entrypoint', mode: 0o755 },
  { source: 'hadrill-mariadb', target: '/usr/local/bin/hadrill-mariadb', mode: 0o755 },
  { source: 'hadrill-redis', target: '/usr/local/bin/hadrill-redis', mode: 0o755 },
  { source: 'hadrill-sentinel', target: '/usr/local/bin/hadrill-sentinel', mode: 0o755 },
  { source: 'hadrill-wan', target: '/usr/local/bin/hadrill-wan', mode: 0o755 },
  // Run once at build, in the rootfs: MHA 0.58 as Debian ships it fails on MariaDB 10.11 (see the script).
  { source: 'hadrill-mha-fixes', target: '/usr/local/sbin/hadrill-mha-fixes', mode: 0o755 },
  // Debian's 50-server.cnf binds to 127.0.0.1; this file sorts after it.
  { source: '99-hadrill.cnf', target: '/etc/mysql/mariadb.conf.d/99-hadrill.cnf', mode: 0o644 },
];

/** Image files the build runs once in the rootfs (the recipe version moves when this list does). */
export const BUILD_SCRIPTS: readonly string[] = ['/usr/local/sbin/hadrill-mha-fixes'];

/** Environment baked into the image; `docker import` starts from an empty config. */
export const IMAGE_ENV: Readonly<Record<string, string>> = {
  PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  // Debian's libc has C.UTF-8 built in; without it node and the mariadb
  // client fall back to ASCII for non-ASCII output.
  LANG: 'C.UTF-8',
};

export const ENTRYPOINT_SCRIPT = '/usr/local/bin/hadrill-entrypoint';

export const TINI_PATH = '/usr/bin/tini';

/**
 * Bumped whenever the build changes the image in a way the inputs above do
 * not show (clean-up steps, entrypoint wiring), so that the tag moves too.
 */
export const IMAGE_RECIPE_VERSION = 2;

export function imagesDir(): string {
  return join(packageRoot(), 'images');
}

export function imageEntrypoint(withTini: boolean): string[] {
  return withTini ? [TINI_PATH, '--', ENTRYPOINT_SCRIPT] : [ENTRYPOINT_SCRIPT];
}

/** Dockerfile instructions applied by the import (`docker import --change`). */
export function imageChanges(withTini: boolean, contentHash: string): string[] {
  return [
    `ENTRYPOINT ${JSON.stringify(imageEntrypoint(withTini))}`,
    ...Object.entries(IMAGE_ENV).map(([key, value]) => `ENV ${key}=${value}`),
    `LABEL ${IMAGE_HASH_LABEL}=${contentHash}`,
  ];
}

/** Full sha256 (hex) over the package list, the suite and the files put into the image. */
export function imageContentHash(dir: string = imagesDir()): string {
  const hash = createHash('sha256');
  const feed = (part: string | Buffer): void => {
    const bytes = typeof part === 'string' ? Buffer.from(part, 'utf8') : part;
    // Length prefixes keep ("ab","c") and ("a","bc") apart.
    hash.update(`${bytes.length}:`);
    hash.update(bytes);
  };
  feed(`recipe ${IMAGE_RECIPE_VERSION}`);
  feed(`suite ${DEBIAN_SUITE}`);
  feed(`variant ${DEBOOTSTRAP_VARIANT}`);
  feed(`packages ${IMAGE_PACKAGES.join(',')}`);
  for (const [key, value] of Object.entries(IMAGE_ENV)) feed(`env ${key}=${value}`);
  for (const file of IMAGE_FILES) {
    feed(`file ${file.target} ${file.mode.toString(8)}`);
    feed(readImageFile(dir, file));
  }
  return hash.digest('hex');
}

/** `hadrill/base:<12 hex>`; the hex is the start of imageContentHash(). */
export function imageTag(dir: string = imagesDir()): string {
  return `${IMAGE_REPOSITORY}:${imageContentHash(dir).slice(0, 12)}`;
}

export function readImageFile(dir: string, file: ImageFile): Buffer {
  const path = join(dir, file.source);
  try {
    return readFileSync(path);
  } catch (error) {
    throw new Error(`hadrill image file ${path} cannot be read; the package is incomplete`, { cause: error });
  }
}
