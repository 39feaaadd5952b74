// publishAnnotations against a stand-in for Grafana's POST /api/annotations
// that checks what Grafana's HTTP API documents (text a string; time and
// timeEnd whole epoch ms; tags strings; the bearer token; a JSON body) and
// answers as Grafana does. Whatever goes wrong (a refused token, a server
// error, nobody listening, a redirect elsewhere), the drill gets warnings,
// never an exception.
import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { EngineEvent } from '../../src/core/engine-events.js';
import { HadrillError } from '../../src/core/errors.js';
import { grafanaAnnotations } from '../../src/core/report/grafana-annotations.js';
import { annotationsEndpoint, checkAnnotationFlags, parseGrafanaUrl, publishAnnotations } from '../../src/engine/grafana.js';
import { grafanaReport } from '../support/grafana-report.js';

const TOKEN = 'glsa_test_token_1234';
/** 2001-09-09 to 2286-11-20 in ms: a time in seconds, or in microseconds, falls outside. */
const SANE_MS = [1_000_000_000_000, 9_999_999_999_999] as const;

interface Received {
  text: string;
  time: number;
  timeEnd?: number;
  tags: string[];
}

/** Why Grafana would refuse this request, or null. */
function problem(request: IncomingMessage, raw: string): string | null {
  if (request.headers['authorization'] !== `Bearer ${TOKEN}`) return 'bad bearer token';
  if (!/^application\/json\b/.test(request.headers['content-type'] ?? '')) return 'not JSON';
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    return 'unparsable body';
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'not an object';
  const b = body as Record<string, unknown>;
  if (typeof b['text'] !== 'string' || b['text'] === '') return 'text is required';
  for (const key of ['time', 'timeEnd']) {
    const v = b[key];
    if (v === undefined && key === 'timeEnd') continue;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < SANE_MS[0] || v > SANE_MS[1]) return `${key} is not epoch ms`;
  }
  if (b['timeEnd'] !== undefined && (b['timeEnd'] as number) < (b['time'] as number)) return 'timeEnd before time';
  if (!Array.isArray(b['tags']) || !b['tags'].every((t) => typeof t === 'string')) return 'tags must be strings';
  if ('dashboardUID' in b || 'dashboardId' in b || 'panelId' in b) return 'tied to a dashboard';
  return null;
}

describe('publishAnnotations', () => {
  let server: Server;
  let base = '';
  let received: Received[] = [];
  let requests = 0;
  /** What the stand-in answers instead of Grafana's way, for the failure cases. */
  let override: ((request: IncomingMessage, response: ServerResponse) => boolean) | null = null;
  let dir = '';

  before(async () => {
    server = createServer((request, response) => {
      let raw = '';
      request.setEncoding('utf8');
      request.on('data', (chunk: string) => (raw += chunk));
      request.on('end', () => {
        requests++;
        if (override?.(request, response)) return;
        const reply = (status: number, body: object): void => {
          response.writeHead(status, { 'Content-Type': 'application/json' });
          response.end(JSON.stringify(body));
        };
        if (request.method !== 'POST' || request.url !== '/grafana/api/annotations') return reply(404, { message: 'Not found' });
        const wrong = problem(request, raw);
        if (wrong !== null) return reply(wrong === 'bad bearer token' ? 401 : 400, { message: wrong });
        received.push(JSON.parse(raw) as Received);
        reply(200, { message: 'Annotation added', id: received.length });
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    // Grafana served from a sub-path, as behind a reverse proxy.
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/grafana/`;
    dir = mkdtempSync(join(tmpdir(), 'hadrill-grafana-'));
  });
  after(() => {
    server.closeAllConnections();
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    received = [];
    requests = 0;
    override = null;
  });

  const events: EngineEvent[] = [];
  const emit = (e: EngineEvent): void => void events.push(e);

  it('posts every annotation, each accepted, and writes the same ones to the file', async () => {
    const report = grafanaReport();
    const file = join(dir, 'annotations.json');
    const result = await publishAnnotations(report, { file, grafanaUrl: base, token: TOKEN, emit });
    assert.deepEqual(result.warnings, []);
    assert.equal(result.posted, 7);
    assert.deepEqual(received, grafanaAnnotations(report));
    assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), received);
    // Written whole: no temporary file left beside it.
    assert.deepEqual(readdirSync(dir), ['annotations.json']);
    assert.ok(events.some((e) => e.type === 'info' && e.text === `Posted 7 of 7 annotations to Grafana at ${new URL(base).host}`));
  });

  it("posts each drill's annotations after a --repeat, and writes them all to one file", async () => {
    const first = grafanaReport();
    const second = { ...grafanaReport(), run: 'ci-43' };
    const file = join(dir, 'repeat.json');
    const result = await publishAnnotations([first, second], { file, grafanaUrl: base, token: TOKEN, emit });
    assert.deepEqual(result.warnings, []);
    assert.equal(received.length, 14);
    assert.equal(received.filter((a) => a.text.includes('run ci-43')).length, 7);
    assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), received);
    rmSync(file);
  });

  it('takes the token from HADRILL_GRAFANA_TOKEN when none is given', async () => {
    const before = process.env['HADRILL_GRAFANA_TOKEN'];
    process.env['HADRILL_GRAFANA_TOKEN'] = TOKEN;
    try {
      const result = await publishAnnotations(grafanaReport(), { grafanaUrl: base.replace(/\/$/, ''), emit });
      assert.deepEqual(result.warnings, []);
      assert.equal(received.length, 7);
    } finally {
      if (before === undefined) delete process.env['HADRILL_GRAFANA_TOKEN'];
      else process.env['HADRILL_GRAFANA_TOKEN'] = before;
    }
  });

  it('warns once on a refused token (401) and posts no more', async () => {
    const result = await publishAnnotations(grafanaReport(), { grafanaUrl: base, token: 'wrong', emit });
    assert.equal(result.posted, 0);
    assert.equal(requests, 1);
    assert.equal(result.warnings.length, 1);
    assert.match(result.warnings[0]!, /answered 401 \(unauthorized: bad bearer token\): the token in HADRILL_GRAFANA_TOKEN was refused; the remaining 6 were not posted$/);
    assert.ok(!result.warnings[0]!.includes('wrong'), 'a warning must never show the token');
    assert.deepEqual(
      events.filter((e) => e.type === 'warn').map((e) => e.text).slice(-1),
      result.warnings,
    );
  });

  it('says to set the variable when no token was sent', async () => {
    const result = await publishAnnotations(grafanaReport(), { grafanaUrl: base, token: null, emit });
    assert.match(result.warnings[0]!, /answered 401 .*set HADRILL_GRAFANA_TOKEN to a service account token/);
  });

  it('warns on a server error (500) instead of throwing', async () => {
    override = (_request, response) => {
      response.writeHead(500, { 'Content-Type': 'application/json' });
      response.end(JSON.stringify({ message: 'Failed to save annotation' }));
      return true;
    };
    const result = await publishAnnotations(grafanaReport(), { grafanaUrl: base, token: TOKEN, emit });
    assert.equal(result.posted, 0);
    assert.deepEqual(result.warnings, [`Grafana annotations: ${new URL(base).host} answered 500: Failed to save annotation; the remaining 6 were not posted`]);
  });

  it('goes on after one annotation is refused (400): the others still arrive', async () => {
    override = (_request, response) => {
      if (requests !== 2) return false;
      response.writeHead(400, { 'Content-Type': 'application/json' });
      response.end(JSON.stringify({ message: 'bad request data' }));
      return true;
    };
    const result = await publishAnnotations(grafanaReport(), { grafanaUrl: base, token: TOKEN, emit });
    assert.equal(result.posted, 6);
    assert.equal(received.length, 6);
    assert.equal(result.warnings.length, 1);
    assert.match(result.warnings[0]!, /^Grafana refused the annotation "hadrill fault: replication-stop db-b .*": .* answered 400: bad request data$/);
  });

  it('warns when nobody listens at the URL', async () => {
    // A port that was just free: connection refused.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const result = await publishAnnotations(grafanaReport(), { grafanaUrl: `http://127.0.0.1:${port}`, token: TOKEN, emit, timeoutMs: 2000 });
    assert.equal(result.posted, 0);
    assert.equal(result.warnings.length, 1);
    assert.match(result.warnings[0]!, new RegExp(`^Grafana annotations: no answer from 127\\.0\\.0\\.1:${port}: .*ECONNREFUSED.*; the remaining 6 were not posted$`));
  });

  it('warns when Grafana does not answer by the deadline', async () => {
    override = () => true; // never answers
    const started = Date.now();
    const result = await publishAnnotations(grafanaReport(), { grafanaUrl: base, token: TOKEN, emit, timeoutMs: 300 });
    assert.ok(Date.now() - started < 3000);
    assert.equal(requests, 1);
    assert.match(result.warnings[0]!, /no answer from .* within 300 ms/);
  });

  it('never follows a redirect to another host (the token is not for it), and follows a 308 on the same host', async () => {
    override = (request, response) => {
      if (request.url === '/grafana/api/annotations') {
        response.writeHead(307, { Location: 'http://elsewhere.invalid/api/annotations' });
        response.end();
        return true;
      }
      return false;
    };
    const away = await publishAnnotations(grafanaReport(), { grafanaUrl: base, token: TOKEN, emit });
    assert.equal(away.posted, 0);
    assert.equal(requests, 1);
    assert.match(away.warnings[0]!, /answered 307, a redirect to another host \(elsewhere\.invalid\), which hadrill does not follow/);

    requests = 0;
    override = (request, response) => {
      if (request.url === '/old/api/annotations') {
        response.writeHead(308, { Location: '/grafana/api/annotations' });
        response.end();
        return true;
      }
      return false;
    };
    const moved = await publishAnnotations(grafanaReport(), { grafanaUrl: base.replace('/grafana/', '/old'), token: TOKEN, emit });
    assert.deepEqual(moved.warnings, []);
    assert.equal(moved.posted, 7);
    assert.equal(requests, 14);
  });

  it('warns when the file cannot be written, and still posts', async () => {
    const result = await publishAnnotations(grafanaReport(), { file: join(dir, 'missing', 'a.json'), grafanaUrl: base, token: TOKEN, emit });
    assert.equal(result.posted, 7);
    assert.equal(result.warnings.length, 1);
    assert.match(result.warnings[0]!, /^the Grafana annotations could not be written to .*missing\/a\.json: /);
    assert.equal(existsSync(join(dir, 'missing')), false);
  });

  it('checks the URL before a drill starts: http(s), no credentials; and finds the endpoint under a sub-path', () => {
    assert.doesNotThrow(() => checkAnnotationFlags({ annotationsFile: join(dir, 'new.json'), grafanaUrl: 'https://grafana.example.com/' }));
    assert.throws(() => checkAnnotationFlags({ annotationsFile: join(dir, 'missing', 'a.json') }), (e: unknown) => e instanceof HadrillError && e.code === 'usage' && /does not exist/.test(e.message));
    assert.throws(() => checkAnnotationFlags({ annotationsFile: dir }), (e: unknown) => e instanceof HadrillError && /a directory has that name/.test(e.message));
    assert.throws(() => checkAnnotationFlags({ grafanaUrl: 'grafana:3000' }), (e: unknown) => e instanceof HadrillError && e.code === 'usage');
    for (const bad of ['grafana.example.com', 'ftp://grafana.example.com', 'https://admin:secret@grafana.example.com']) {
      assert.throws(() => parseGrafanaUrl(bad), (e: unknown) => e instanceof HadrillError && e.code === 'usage' && !e.message.includes('secret'), bad);
    }
    assert.equal(annotationsEndpoint('https://grafana.example.com').href, 'https://grafana.example.com/api/annotations');
    assert.equal(annotationsEndpoint('https://example.com/grafana/?orgId=1').href, 'https://example.com/grafana/api/annotations');
    assert.equal(annotationsEndpoint('https://example.com/api/annotations').href, 'https://example.com/api/annotations');
  });
});
