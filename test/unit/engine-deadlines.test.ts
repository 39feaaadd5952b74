// Every call hadrill makes to the Docker engine has a deadline: against an
// engine that accepts each request and never answers (a hung dockerd), each
// method of the runtime fails with an error that names the call, instead of
// hanging the CLI. The "engine" here is a local socket that reads and says
// nothing.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Docker from 'dockerode';
import { HadrillError } from '../../src/core/errors.js';
import { DockerRuntime } from '../../src/runtime/docker-runtime.js';

const DEADLINE_MS = 300;

describe('a Docker engine that never answers', () => {
  const socketPath = join(mkdtempSync(join(tmpdir(), 'hadrill-hung-')), 'docker.sock');
  let server: Server;
  let requests = 0;
  const runtime = new DockerRuntime(new Docker({ socketPath }), { apiTimeoutMs: DEADLINE_MS });

  before(async () => {
    // Requests are read and left open: no answer ever comes.
    server = createServer(() => void requests++);
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const spec = { name: 'c', image: 'i', cmd: [], env: {}, labels: {}, networks: [], capAdd: [], capDrop: [], sysctls: {}, binds: [], files: [] };
  const calls: [string, () => Promise<unknown>][] = [
    ['info', () => runtime.info()],
    ['imageExists', () => runtime.imageExists('hadrill/base:x')],
    ['createNetwork', () => runtime.createNetwork({ name: 'n', subnet: '10.9.9.0/24', gateway: '10.9.9.1', labels: {} })],
    ['listNetworks', () => runtime.listNetworks()],
    ['removeNetwork', () => runtime.removeNetwork('n')],
    ['run', () => runtime.run(spec)],
    ['runOnce', () => runtime.runOnce({ name: 'h', image: 'i', cmd: ['true'], env: {}, labels: {}, capAdd: [], networkMode: 'none' }, 10_000)],
    ['list', () => runtime.list({})],
    ['exec', () => runtime.exec('c', ['true'])],
    ['spawn', () => runtime.spawn('c', ['true'])],
    ['start', () => runtime.start('c')],
    ['kill', () => runtime.kill('c')],
    ['pause', () => runtime.pause('c')],
    ['unpause', () => runtime.unpause('c')],
    ['remove', () => runtime.remove('c')],
    ['logs', () => runtime.logs('c')],
  ];

  for (const [name, call] of calls) {
    test(`${name} fails after its deadline, saying what Docker did not answer`, { timeout: 20_000 }, async () => {
      const before = requests;
      const started = Date.now();
      await assert.rejects(call(), (error: unknown) => {
        assert.ok(error instanceof HadrillError, String(error));
        assert.match(error.message, new RegExp(`Docker did not answer within ${DEADLINE_MS} ms when asked to`));
        return true;
      });
      assert.ok(requests > before, 'the call did reach the engine');
      // Not a timing assertion on speed: a call without a deadline would never return at all.
      assert.ok(Date.now() - started < 30_000);
    });
  }
});
