import assert from 'node:assert/strict';
import { createServer as createHttpServer, type IncomingMessage } from 'node:http';
import { createServer as createTcpServer, type Server } from 'node:net';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { HadrillError } from '../../src/core/errors.js';
import { renderText, TEXT_CONTENT_TYPE } from '../../src/core/metrics/exposition.js';
import { outcomeFamilies } from '../../src/core/metrics/hadrill-metrics.js';
import { parseListenAddress } from '../../src/core/metrics/listen-address.js';
import type { Report } from '../../src/core/report/report-model.js';
import { checkPushgatewayUrl, pushOutcome, pushUrl } from '../../src/engine/metrics-push.js';
import { startMetricsServer } from '../../src/engine/metrics-server.js';
import { checkTextfileTarget, writeMetricsTextfile } from '../../src/engine/metrics-textfile.js';
import { hadrill } from '../support/hadrill-cli.js';
import { freePort, haveBinary, PROMTOOL, promtoolCheck, PUSHGATEWAY, startPushgateway } from '../support/prometheus.js';

const fixture = JSON.parse(readFileSync(new URL('../../../test/fixtures/hot-standby-report/report.json', import.meta.url), 'utf8')) as Report;

function usageError(pattern: RegExp): (e: unknown) => boolean {
  return (e) => e instanceof HadrillError && e.code === 'usage' && pattern.test(e.message);
}

/** Something listening on a port of 127.0.0.1, as another program would. */
async function occupy(): Promise<{ port: number; server: Server }> {
  const server = createTcpServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as { port: number }).port, server };
}

describe('the metrics endpoint', () => {
  it('serves GET /metrics as text 0.0.4, 404 elsewhere, and counts its scrapes', async () => {
    const port = await freePort();
    let calls = 0;
    const server = await startMetricsServer(parseListenAddress(String(port)), () => `# HELP demo_x x\n# TYPE demo_x gauge\ndemo_x ${++calls}\n`);
    try {
      assert.equal(server.url, `http://127.0.0.1:${port}/metrics`);
      const next = server.nextScrape(5000);
      const response = await fetch(server.url);
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('content-type'), TEXT_CONTENT_TYPE);
      assert.equal(await response.text(), '# HELP demo_x x\n# TYPE demo_x gauge\ndemo_x 1\n');
      assert.equal(await next, true);
      assert.equal(server.scrapes(), 1);
      assert.equal((await fetch(`http://127.0.0.1:${port}/`)).status, 404);
      assert.equal((await fetch(`http://127.0.0.1:${port}/metrics/x`)).status, 404);
      assert.equal((await fetch(server.url, { method: 'POST' })).status, 405);
      assert.equal(server.scrapes(), 1, 'only answered scrapes count');
      assert.equal(await server.nextScrape(100), false, 'no scrape came');
    } finally {
      await server.close();
    }
    await assert.rejects(fetch(`http://127.0.0.1:${port}/metrics`), 'closed');
  });

  it('turns a port in use into a usage error that names it', async () => {
    const { port, server } = await occupy();
    try {
      await assert.rejects(startMetricsServer(parseListenAddress(`127.0.0.1:${port}`), () => ''), usageError(new RegExp(`--metrics-listen 127\\.0\\.0\\.1:${port}: the address is in use`)));
      await assert.rejects(startMetricsServer(parseListenAddress('192.0.2.1:9464'), () => ''), usageError(/not an address of this machine/));
    } finally {
      server.close();
    }
  });

  it('is refused by `hadrill drill` with exit 2 before anything is created', async () => {
    const { port, server } = await occupy();
    const home = mkdtempSync(join(tmpdir(), 'hadrill-metrics-cli-'));
    try {
      const result = await hadrill(['drill', 'scenarios/hot-standby.yaml', '--run', 'metrics-busy', '--report-dir', join(home, 'report'), '--metrics-listen', String(port)], { HADRILL_HOME: home });
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, new RegExp(`--metrics-listen 127\\.0\\.0\\.1:${port}: the address is in use`));
      assert.equal(existsSync(join(home, 'runs', 'metrics-busy')), false, 'no run was started');
      const repeat = await hadrill(['drill', 'scenarios/hot-standby.yaml', '--repeat', '2', '--report-dir', join(home, 'r2'), '--metrics-textfile', join(home, 'x.prom')], { HADRILL_HOME: home });
      assert.equal(repeat.code, 2);
      assert.match(repeat.stderr, /do not go with --repeat/);
    } finally {
      server.close();
    }
  });
});

describe('the textfile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hadrill-textfile-'));

  it('holds the outcome families, written whole, without timestamps', () => {
    const file = join(dir, 'hadrill.prom');
    writeFileSync(file, 'old\n');
    writeMetricsTextfile(file, fixture);
    const text = readFileSync(file, 'utf8');
    assert.equal(text, renderText(outcomeFamilies(fixture)));
    assert.deepEqual(readdirSync(dir), ['hadrill.prom'], 'no temporary file left behind');
    for (const line of text.split('\n').filter((l) => l && !l.startsWith('#'))) assert.match(line, /^\S+ \S+$/, `no timestamp: ${line}`);
    if (haveBinary(PROMTOOL)) assert.equal(promtoolCheck(text).code, 0);
  });

  it('is checked before the drill: *.prom in an existing directory', () => {
    assert.throws(() => checkTextfileTarget(join(dir, 'hadrill.txt')), usageError(/only files named \*\.prom/));
    assert.throws(() => checkTextfileTarget(join(dir, 'missing', 'hadrill.prom')), usageError(/does not exist/));
    checkTextfileTarget(join(dir, 'new.prom'));
  });
});

describe('the Pushgateway push', () => {
  it('PUTs to job hadrill grouped by scenario, a slash in base64', () => {
    assert.equal(pushUrl('http://pg:9091/', 'hot-standby'), 'http://pg:9091/metrics/job/hadrill/scenario/hot-standby');
    assert.equal(pushUrl('http://pg:9091/prefix', 'a/b'), `http://pg:9091/prefix/metrics/job/hadrill/scenario@base64/${Buffer.from('a/b').toString('base64url')}`);
    assert.throws(() => checkPushgatewayUrl('pg:9091'), usageError(/only http and https/));
    assert.throws(() => checkPushgatewayUrl('not a url'), usageError(/not a URL/));
  });

  it('turns a refusal into a warning with the status and the body', async () => {
    const seen: { method?: string; url?: string; type?: string } = {};
    const stub = createHttpServer((req: IncomingMessage, res) => {
      Object.assign(seen, { method: req.method, url: req.url, type: req.headers['content-type'] });
      res.writeHead(400).end('pushed metrics are invalid or inconsistent');
    });
    await new Promise<void>((resolve) => stub.listen(0, '127.0.0.1', resolve));
    const port = (stub.address() as { port: number }).port;
    try {
      const problem = await pushOutcome(`http://127.0.0.1:${port}`, fixture);
      assert.deepEqual(seen, { method: 'PUT', url: '/metrics/job/hadrill/scenario/hot-standby', type: TEXT_CONTENT_TYPE });
      assert.match(problem ?? '', /answered 400 Bad Request to PUT .*: pushed metrics are invalid or inconsistent/);
    } finally {
      stub.close();
    }
    assert.match((await pushOutcome(`http://127.0.0.1:${port}`, fixture)) ?? '', /could not push to/);
  });

  describe('to a real Pushgateway', { skip: !haveBinary(PUSHGATEWAY) && `${PUSHGATEWAY} is not installed (CI installs it)` }, () => {
    let gateway: Awaited<ReturnType<typeof startPushgateway>> | null = null;
    after(() => gateway?.stop());

    it('is taken, and the gateway exposes the outcome families', async () => {
      gateway = await startPushgateway();
      assert.equal(await pushOutcome(gateway.url, fixture), null);
      const exposed = await (await fetch(`${gateway.url}/metrics`)).text();
      const lost = fixture.services.find((s) => s.name === 'mysql')?.lost;
      assert.match(exposed, new RegExp(`hadrill_drill_lost_writes\\{instance="",job="hadrill",scenario="hot-standby",service="mysql"\\} ${lost}\\n`));
      assert.match(exposed, /hadrill_drill_verdict\{instance="",job="hadrill",scenario="hot-standby",verdict="pass"\} 1\n/);
      assert.match(exposed, /# TYPE hadrill_drill_verdict gauge/);
      // PUT replaces the group: a second push leaves one series per service, with the new value.
      const second: Report = { ...fixture, services: fixture.services.map((s) => ({ ...s, lost: s.lost + 1 })) };
      assert.equal(await pushOutcome(gateway.url, second), null);
      const again = await (await fetch(`${gateway.url}/metrics`)).text();
      assert.equal(again.match(/^hadrill_drill_lost_writes\{.*service="mysql"\}/gm)?.length, 1);
      assert.match(again, new RegExp(`service="mysql"\\} ${(lost ?? 0) + 1}\\n`));
      // A family another job pushed with another type is refused (400): a warning with the gateway's words.
      assert.equal((await fetch(`${gateway.url}/metrics/job/hadrill/scenario/hot-standby`, { method: 'DELETE' })).status, 202);
      const other = await fetch(`${gateway.url}/metrics/job/other`, { method: 'PUT', body: '# TYPE hadrill_drill_slo_pass counter\nhadrill_drill_slo_pass 1\n' });
      assert.equal(other.status, 200);
      const refused = await pushOutcome(gateway.url, fixture);
      assert.match(refused ?? '', /answered 400 Bad Request to PUT .*hadrill_drill_slo_pass/);
    });
  });
});
