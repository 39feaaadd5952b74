// Finds the Debian archive mirror the host already uses, so that debootstrap
// downloads from wherever this machine is allowed to reach (a local mirror, a
// snapshot, a proxy) instead of a host name fixed in hadrill.
import { readdir, readFile as fsReadFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HadrillError } from '../core/errors.js';

export type AptSourcesFormat = 'deb822' | 'list';

interface AptSource {
  types: string[];
  uris: string[];
  suites: string[];
  components: string[];
  enabled: boolean;
}

/** Debian suite names (code names and aliases) whose archive also serves bookworm. */
const DEBIAN_SUITES = new Set([
  'buster',
  'bullseye',
  'bookworm',
  'trixie',
  'forky',
  'duke',
  'sid',
  'oldoldstable',
  'oldstable',
  'stable',
  'testing',
  'unstable',
  'experimental',
]);

const PREFERRED_SUITE = 'bookworm';

/**
 * The first URI in `sourcesText` that serves the main Debian archive, or null.
 * Security, third-party and source-only entries are skipped. An entry for
 * bookworm itself wins over one for another Debian release.
 */
export function parseAptMirror(sourcesText: string, format: AptSourcesFormat): string | null {
  const sources = format === 'deb822' ? parseDeb822(sourcesText) : parseList(sourcesText);
  return pickMirror(sources);
}

function pickMirror(sources: AptSource[]): string | null {
  let fallback: string | null = null;
  for (const source of sources) {
    if (!source.enabled || !source.types.includes('deb') || !source.components.includes('main')) continue;
    const suites = source.suites.map(baseSuite).filter((s): s is string => s !== null);
    if (suites.length === 0) continue;
    for (const uri of source.uris) {
      if (!isUsableUri(uri) || isSecurityUri(uri)) continue;
      const normalised = uri.replace(/\/+$/, '');
      if (suites.includes(PREFERRED_SUITE)) return normalised;
      fallback ??= normalised;
    }
  }
  return fallback;
}

/** The Debian release a suite belongs to, or null for security and non-Debian suites. */
function baseSuite(suite: string): string | null {
  const cleaned = suite.replace(/\/+$/, '').toLowerCase();
  if (cleaned.endsWith('-security') || cleaned.includes('/updates')) return null;
  const base = cleaned.replace(/-(updates|backports|backports-sloppy|proposed-updates)$/, '');
  return DEBIAN_SUITES.has(base) ? base : null;
}

function isUsableUri(uri: string): boolean {
  // debootstrap speaks http(s), ftp and file; apt-only transports such as
  // mirror+file:, cdrom: or tor+http: it cannot use.
  return /^(https?|ftp|file):\/\//i.test(uri);
}

function isSecurityUri(uri: string): boolean {
  const path = uri.replace(/^[a-z]+:\/\/[^/]*/i, '');
  const host = uri.slice(0, uri.length - path.length);
  return /(^|[/.])security\./i.test(host) || /-security(\/|$)/i.test(path);
}

function parseList(text: string): AptSource[] {
  const sources: AptSource[] = [];
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.replace(/#.*$/, '').trim();
    if (line === '') continue;
    const match = /^(deb|deb-src)\s+(?:\[([^\]]*)\]\s+)?(\S+)\s+(\S+)(?:\s+(.*))?$/.exec(line);
    if (!match) continue;
    const [, type = '', options = '', uri = '', suite = '', components = ''] = match;
    const enabled = !/(^|\s)enabled=no(\s|$)/i.test(options);
    sources.push({
      types: [type],
      uris: [uri],
      suites: [suite],
      components: components.split(/\s+/).filter(Boolean),
      enabled,
    });
  }
  return sources;
}

function parseDeb822(text: string): AptSource[] {
  const sources: AptSource[] = [];
  const stanzas = text.split(/\r?\n(?:[ \t]*\r?\n)+/);
  for (const stanza of stanzas) {
    const fields = new Map<string, string>();
    let current: string | null = null;
    for (const rawLine of stanza.split(/\r?\n/)) {
      if (rawLine.startsWith('#')) continue;
      if (/^[ \t]/.test(rawLine)) {
        // Continuation of a multi-line field; a lone "." stands for an empty line.
        if (current !== null) {
          const value = rawLine.trim();
          fields.set(current, `${fields.get(current) ?? ''} ${value === '.' ? '' : value}`);
        }
        continue;
      }
      const match = /^([A-Za-z0-9][A-Za-z0-9-]*)\s*:\s*(.*)$/.exec(rawLine);
      if (!match) {
        current = null;
        continue;
      }
      current = (match[1] ?? '').toLowerCase();
      fields.set(current, match[2] ?? '');
    }
    if (fields.size === 0) continue;
    const words = (key: string): string[] => (fields.get(key) ?? '').split(/\s+/).filter(Boolean);
    sources.push({
      types: words('types'),
      uris: words('uris'),
      suites: words('suites'),
      components: words('components'),
      enabled: (fields.get('enabled') ?? 'yes').trim().toLowerCase() !== 'no',
    });
  }
  return sources;
}

export interface HostMirrorDeps {
  readFile?: (path: string) => Promise<string>;
  readDir?: (path: string) => Promise<string[]>;
  /** Directory holding sources.list and sources.list.d; /etc/apt by default. */
  aptDir?: string;
}

/**
 * The mirror of the host's apt configuration, read in apt's own order:
 * sources.list first, then sources.list.d/ alphabetically (*.list and *.sources).
 */
export async function findHostMirror(deps: HostMirrorDeps = {}): Promise<string> {
  const readFile = deps.readFile ?? ((path: string) => fsReadFile(path, 'utf8'));
  const readDir = deps.readDir ?? ((path: string) => readdir(path));
  const aptDir = deps.aptDir ?? '/etc/apt';

  const candidates: { path: string; format: AptSourcesFormat }[] = [
    { path: join(aptDir, 'sources.list'), format: 'list' },
  ];
  const listDir = join(aptDir, 'sources.list.d');
  let entries: string[] = [];
  try {
    entries = await readDir(listDir);
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
  for (const name of [...entries].sort()) {
    if (name.endsWith('.sources')) candidates.push({ path: join(listDir, name), format: 'deb822' });
    else if (name.endsWith('.list')) candidates.push({ path: join(listDir, name), format: 'list' });
  }

  let fallback: string | null = null;
  for (const candidate of candidates) {
    let text: string;
    try {
      text = await readFile(candidate.path);
    } catch (error) {
      if (isNotFound(error)) continue;
      throw error;
    }
    const sources = candidate.format === 'deb822' ? parseDeb822(text) : parseList(text);
    const preferred = pickPreferred(sources);
    if (preferred !== null) return preferred;
    fallback ??= pickMirror(sources);
  }
  if (fallback !== null) return fallback;

  throw new HadrillError(
    'environment',
    `No Debian archive mirror found in ${join(aptDir, 'sources.list')} or ${listDir}/*.sources; ` +
      'hadrill builds its image with debootstrap from the mirror this host already uses.',
    {
      hint:
        'Add a Debian source (a "deb URI bookworm main" line, or a deb822 stanza with Types: deb, ' +
        'URIs:, Suites: bookworm, Components: main), or set HADRILL_DEBIAN_MIRROR to the mirror URL.',
    },
  );
}

/** Like pickMirror, but only an entry for bookworm itself. */
function pickPreferred(sources: AptSource[]): string | null {
  const bookworm = sources.filter((s) => s.suites.some((suite) => baseSuite(suite) === PREFERRED_SUITE));
  return pickMirror(bookworm);
}

function isNotFound(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
