// fetchWithin's deadline is its own timer, not fetch's abort signal (which a
// connection still being made does not hear): whatever the server does, the
// caller has its answer or a DeadlineError by the deadline.
import * as assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { DeadlineError, fetchWithin } from '../../src/fetch-within.js';

describe('fetchWithin', () => {
  let server: Server;
  let base = '';
  before(async () => {
    // /slow accepts and never answers; /fast answers at once.
    server = createServer((request, response) => {
      if (request.url === '/fast') response.end(JSON.stringify({ ok: true }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });

  it("gives read's answer when the server answers in time", async () => {
    assert.deepEqual(await fetchWithin(`${base}/fast`, {}, 2000, async (r) => (await r.json()) as unknown), { ok: true });
  });

  it('rejects with a DeadlineError naming the host when no answer comes, and never reads', async () => {
    let read = false;
    await assert.rejects(
      fetchWithin(`${base}/slow`, {}, 200, async () => {
        read = true;
      }),
      (error: unknown) => error instanceof DeadlineError && error.name === 'TimeoutError' && error.message === `no answer from ${new URL(base).host} within 200 ms`,
    );
    assert.equal(read, false);
  });
});
