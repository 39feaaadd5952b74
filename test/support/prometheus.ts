// Debian's Prometheus binaries (prometheus, prometheus-pushgateway, promtool),
// run on loopback with temporary state, for the tests that check hadrill's
// metrics against the real thing. They fail, never skip, under CI when a
// binary is missing: .ci/run installs them.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const PROMETHEUS = '/usr/bin/prometheus';
export const PUSHGATEWAY = '/usr/bin/prometheus-pushgateway';
export const PROMTOOL = '/usr/bin/promtool';
const PACKAGES = 'prometheus prometheus-pushgateway (Debian bookworm)';

/** Whether `binary` is there; under CI (CI=true) its absence fails the test instead. */
export function haveBinary(binary: string): boolean {
  if (existsSync(binary)) return true;
  if (process.env.CI === 'true') assert.fail(`${binary} is missing: CI must install ${PACKAGES}`);
  return false;
}

/** `promtool check metrics` on text: exit code and what it said (it names each problem). */
export function promtoolCheck(text: string): { code: number | null; output: string } {
  const result = spawnSync(PROMTOOL, ['check', 'metrics'], { input: text, encoding: 'utf8', timeout: 30_000 });
  return { code: result.status, output: `${result.stdout}${result.stderr}` };
}

/** A TCP port nothing listens on at the moment, on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export interface LocalServer {
  url: string;
  /** What it printed, for a failing assertion's message. */
  log(): string;
  stop(): Promise<void>;
}

async function startServer(binary: string, args: string[], url: string, ready: string, dir: string): Promise<LocalServer> {
  let log = '';
  const child: ChildProcess = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'], cwd: dir });
  child.stdout?.on('data', (b: Buffer) => (log += b.toString()));
  child.stderr?.on('data', (b: Buffer) => (log += b.toString()));
  let exited = false;
  const gone = new Promise<void>((resolve) => child.on('exit', () => ((exited = true), resolve())));
  const stop = async (): Promise<void> => {
    if (!exited) {
      child.kill('SIGTERM');
      await Promise.race([gone, new Promise((r) => setTimeout(r, 5000))]);
      if (!exited) child.kill('SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (exited) throw new Error(`${binary} exited at start:\n${log.slice(-3000)}`);
    try {
      if ((await fetch(`${url}${ready}`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${binary} was not ready within 30 s:\n${log.slice(-3000)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { url, log: () => log, stop };
}

/** Prometheus on 127.0.0.1 scraping `targets` (host:port) at /metrics every second, its storage in a temporary directory. */
export async function startPrometheus(targets: string[]): Promise<LocalServer> {
  const dir = mkdtempSync(join(tmpdir(), 'hadrill-prometheus-'));
  const port = await freePort();
  const config = join(dir, 'prometheus.yml');
  writeFileSync(
    config,
    ['global:', '  scrape_interval: 1s', '  scrape_timeout: 1s', 'scrape_configs:', '  - job_name: hadrill', '    static_configs:', `      - targets: [${targets.map((t) => `'${t}'`).join(', ')}]`, ''].join('\n'),
  );
  return startServer(PROMETHEUS, [`--config.file=${config}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`], `http://127.0.0.1:${port}`, '/-/ready', dir);
}

/** A Pushgateway on 127.0.0.1 that keeps nothing on disk. */
export async function startPushgateway(): Promise<LocalServer> {
  const dir = mkdtempSync(join(tmpdir(), 'hadrill-pushgateway-'));
  const port = await freePort();
  return startServer(PUSHGATEWAY, [`--web.listen-address=127.0.0.1:${port}`, '--persistence.file='], `http://127.0.0.1:${port}`, '/-/ready', dir);
}

export interface PromSample {
  metric: Record<string, string>;
  /** [seconds, value]: the API gives the value as a string. */
  value: [number, string];
}

/** An instant query through the HTTP API. */
export async function promQuery(prometheus: string, query: string): Promise<PromSample[]> {
  const response = await fetch(`${prometheus}/api/v1/query?${new URLSearchParams({ query })}`);
  const body = (await response.json()) as { status: string; error?: string; data?: { resultType: string; result: PromSample[] } };
  assert.equal(body.status, 'success', `query ${query}: ${body.error}`);
  return body.data?.result ?? [];
}

/** Polls an instant query until `accept` takes its result (targets take 5-10 s to be scraped at first). */
export async function promQueryUntil(prometheus: string, query: string, accept: (samples: PromSample[]) => boolean, timeoutMs: number): Promise<PromSample[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const samples = await promQuery(prometheus, query);
    if (accept(samples)) return samples;
    if (Date.now() > deadline) return samples;
    await new Promise((r) => setTimeout(r, 500));
  }
}
