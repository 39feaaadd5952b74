// A drill's annotations, to a file and to Grafana (--annotations-file,
// --grafana-url). The drill's verdict is measured by then: nothing here may
// change it, so every failure (a full disk, Grafana down, a token refused) is
// a warning, and the drill still exits with its verdict.
import { existsSync, lstatSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { HadrillError, errorMessage } from '../core/errors.js';
import type { EventSink } from '../core/engine-events.js';
import { grafanaAnnotations, type GrafanaAnnotation } from '../core/report/grafana-annotations.js';
import type { Report } from '../core/report/report-model.js';
import { fetchWithin } from '../fetch-within.js';
import { writeFileAtomic } from './atomic-file.js';

/** The environment variable holding a Grafana service account token (permission annotations:create). */
export const GRAFANA_TOKEN_ENV = 'HADRILL_GRAFANA_TOKEN';

/** Each request's deadline: Grafana answers in milliseconds, and a drill's end must not hang on it. */
const REQUEST_TIMEOUT_MS = 10_000;
/** Redirects followed, each to the same host: a reverse proxy's one or two, never a loop. */
const MAX_REDIRECTS = 3;

export interface PublishAnnotationsOptions {
  /** Write the annotations there, as one JSON array. */
  file?: string;
  /** Post each to <grafanaUrl>/api/annotations. */
  grafanaUrl?: string;
  /** The bearer token; when absent, $HADRILL_GRAFANA_TOKEN; null or '' sends none. */
  token?: string | null;
  emit: EventSink;
  /** Each request's deadline (tests shorten it). */
  timeoutMs?: number;
}

export interface PublishResult {
  annotations: GrafanaAnnotation[];
  /** How many Grafana accepted. */
  posted: number;
  /** What went wrong, each already emitted as a warn event. */
  warnings: string[];
}

/**
 * The Grafana URL as given (http or https, no credentials in it), checked
 * before the drill starts so a typo costs nothing; a usage error otherwise.
 */
export function parseGrafanaUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new HadrillError('usage', `--grafana-url ${JSON.stringify(text)}: not a URL.`, { hint: 'Give the address Grafana is served at, e.g. --grafana-url https://grafana.example.com' });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new HadrillError('usage', `--grafana-url ${url.protocol}//…: only http and https URLs.`, { hint: 'Give the address Grafana is served at, e.g. --grafana-url https://grafana.example.com' });
  }
  if (url.username !== '' || url.password !== '') {
    // A URL lands in logs and CI output; the token does not.
    throw new HadrillError('usage', '--grafana-url: the URL holds a user name or password.', { hint: `Remove them from the URL and put a service account token in ${GRAFANA_TOKEN_ENV} instead.` });
  }
  return url;
}

/**
 * --annotations-file and --grafana-url checked before the drill creates
 * anything: a missing directory or a bad URL is exit 2 then, not a warning
 * after a drill that took minutes.
 */
export function checkAnnotationFlags(flags: { annotationsFile?: string; grafanaUrl?: string }): void {
  if (flags.grafanaUrl !== undefined) parseGrafanaUrl(flags.grafanaUrl);
  const file = flags.annotationsFile;
  if (file === undefined) return;
  const dir = dirname(file);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new HadrillError('usage', `--annotations-file ${file}: the directory ${dir} does not exist.`, { hint: 'Create it first, or name a file in an existing directory.' });
  }
  if (existsSync(file) && lstatSync(file).isDirectory()) throw new HadrillError('usage', `--annotations-file ${file}: a directory has that name.`, { hint: 'Name a file in it, e.g. annotations.json.' });
}

/** Where annotations are posted: the Grafana URL (which may carry a sub-path) with /api/annotations. */
export function annotationsEndpoint(grafanaUrl: string): URL {
  const url = parseGrafanaUrl(grafanaUrl);
  const base = url.pathname.replace(/\/+$/, '');
  url.pathname = base.endsWith('/api/annotations') ? base : `${base}/api/annotations`;
  url.search = '';
  url.hash = '';
  return url;
}

/** Writes and posts the annotations of one drill, or of each drill of a --repeat (in one file). */
export async function publishAnnotations(reports: Report | readonly Report[], options: PublishAnnotationsOptions): Promise<PublishResult> {
  const { emit } = options;
  const annotations = (Array.isArray(reports) ? (reports as readonly Report[]) : [reports as Report]).flatMap((r) => grafanaAnnotations(r));
  const warnings: string[] = [];
  const warn = (text: string): void => {
    warnings.push(text);
    emit({ type: 'warn', text });
  };
  if (options.file !== undefined) {
    try {
      writeFileAtomic(options.file, `${JSON.stringify(annotations, null, 2)}\n`);
      emit({ type: 'info', text: `Wrote ${annotations.length} Grafana annotations to ${options.file}` });
    } catch (error) {
      warn(`the Grafana annotations could not be written to ${options.file}: ${errorMessage(error)}`);
    }
  }
  let posted = 0;
  if (options.grafanaUrl !== undefined) {
    const token = options.token === undefined ? process.env[GRAFANA_TOKEN_ENV] : options.token;
    posted = await postAll(annotations, options.grafanaUrl, token ?? '', options.timeoutMs ?? REQUEST_TIMEOUT_MS, warn);
    if (posted > 0) emit({ type: 'info', text: `Posted ${posted} of ${annotations.length} annotations to Grafana at ${hostOf(options.grafanaUrl)}` });
  }
  return { annotations, posted, warnings };
}

/** Posts each annotation in turn; stops at the first failure that would fail every one (Grafana unreachable, the token refused). */
async function postAll(annotations: readonly GrafanaAnnotation[], grafanaUrl: string, token: string, timeoutMs: number, warn: (text: string) => void): Promise<number> {
  let endpoint: URL;
  try {
    endpoint = annotationsEndpoint(grafanaUrl);
  } catch (error) {
    warn(`no annotations were posted to Grafana: ${errorMessage(error)}`);
    return 0;
  }
  if (token !== '' && endpoint.protocol === 'http:' && !isLoopback(endpoint.hostname)) {
    warn(`the Grafana token is sent to ${endpoint.host} over plain http; use an https URL`);
  }
  let posted = 0;
  for (const [i, annotation] of annotations.entries()) {
    const outcome = await postOne(endpoint, annotation, token, timeoutMs);
    if (outcome.ok) {
      posted++;
      continue;
    }
    const left = annotations.length - i - 1;
    if (outcome.fatal) {
      warn(`Grafana annotations: ${outcome.problem}${left > 0 ? `; the remaining ${left} were not posted` : ''}`);
      break;
    }
    warn(`Grafana refused the annotation "${shorten(annotation.text)}": ${outcome.problem}`);
  }
  return posted;
}

type Outcome = { ok: true } | { ok: false; problem: string; fatal: boolean };

async function postOne(endpoint: URL, annotation: GrafanaAnnotation, token: string, timeoutMs: number): Promise<Outcome> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json', Accept: 'application/json' };
  if (token !== '') headers['Authorization'] = `Bearer ${token}`;
  const body = JSON.stringify(annotation);
  let url = endpoint;
  for (let hop = 0; ; hop++) {
    let response: { status: number; location: string | null; text: string };
    try {
      // redirect 'manual': fetch would follow a redirect anywhere, and a POST turned into a GET on the way.
      response = await fetchWithin(url.href, { method: 'POST', headers, body, redirect: 'manual' }, timeoutMs, async (r) => ({ status: r.status, location: r.headers.get('location'), text: await r.text() }));
    } catch (error) {
      return { ok: false, fatal: true, problem: `no answer from ${url.host}: ${describeFetchError(error)}` };
    }
    const { status } = response;
    if (status >= 200 && status < 300) return { ok: true };
    if (status >= 300 && status < 400) {
      const next = response.location === null ? null : safeUrl(response.location, url);
      // Only to the same host (the token is for it), never from https down to http, and only where the POST stays a POST.
      const same = next !== null && next.hostname === url.hostname && !(url.protocol === 'https:' && next.protocol === 'http:');
      if (same && (status === 307 || status === 308) && hop < MAX_REDIRECTS) {
        url = next;
        continue;
      }
      const where = next === null ? 'nowhere usable' : next.host === url.host ? next.href : `another host (${next.host})`;
      return { ok: false, fatal: true, problem: `${url.host} answered ${status}, a redirect to ${where}, which hadrill does not follow; give --grafana-url the address Grafana answers at itself` };
    }
    const said = grafanaMessage(response.text);
    if (status === 401) return { ok: false, fatal: true, problem: `${url.host} answered 401 (unauthorized${said}): ${token === '' ? `set ${GRAFANA_TOKEN_ENV} to a service account token` : `the token in ${GRAFANA_TOKEN_ENV} was refused`}` };
    if (status === 403) return { ok: false, fatal: true, problem: `${url.host} answered 403 (forbidden${said}): the service account needs the annotations:create permission (the Editor role has it)` };
    if (status === 404) return { ok: false, fatal: true, problem: `${url.host} answered 404 at ${url.pathname}${said}: is --grafana-url the address Grafana is served at (with its sub-path, if any)?` };
    // A 400 is about this one annotation; the others may still go through.
    return { ok: false, fatal: status !== 400 && status !== 422, problem: `${url.host} answered ${status}${said}` };
  }
}

/** Grafana's own words from an error reply ({"message": ...}), kept short. */
function grafanaMessage(text: string): string {
  try {
    const parsed = JSON.parse(text) as { message?: unknown };
    if (typeof parsed.message === 'string' && parsed.message !== '') return `: ${shorten(parsed.message)}`;
  } catch {
    // Not JSON: a proxy's HTML page, say nothing of it.
  }
  return '';
}

/** fetch says only "fetch failed"; the reason (ECONNREFUSED, ENOTFOUND, a certificate) is in its cause. */
function describeFetchError(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
  if (cause && typeof cause.message === 'string') return typeof cause.code === 'string' && !cause.message.includes(cause.code) ? `${cause.code}: ${cause.message}` : cause.message;
  return errorMessage(error);
}

function safeUrl(location: string, base: URL): URL | null {
  try {
    const url = new URL(location, base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : null;
  } catch {
    return null;
  }
}

function hostOf(text: string): string {
  try {
    return new URL(text).host;
  } catch {
    return text;
  }
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

function shorten(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
