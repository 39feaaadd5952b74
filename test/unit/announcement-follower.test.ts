// The connections of one agent that follow the same announcement share one
// poller: asked once per interval, every follower told of a move, and the
// polling ends with the last follower.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { AnnouncementFollower } from '../../src/clients/announcement.js';

test('followers of one announcement share a poller, all hear of a move, and the last to stop ends it', async () => {
  let requests = 0;
  let announced = { host: '10.0.0.1', epoch: 1 };
  const server = createServer((req, res) => {
    requests++;
    assert.equal(req.headers.authorization, 'Bearer t');
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(announced));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/primary`;
  const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
  try {
    const moves = [0, 0, 0];
    const followers = moves.map((_, i) => new AnnouncementFollower(url, 't', '10.0.0.1', () => moves[i]!++));
    for (const f of followers) f.start();
    await sleep(1200);
    // One poll at start and one every 500 ms: three in 1.2 s, however many follow.
    assert.ok(requests >= 2 && requests <= 4, `${requests} requests for 3 followers`);
    announced = { host: '10.0.0.2', epoch: 2 };
    await sleep(700);
    assert.deepEqual(moves, [1, 1, 1], 'every follower hears of the move once');
    assert.deepEqual(followers.map((f) => f.host), ['10.0.0.2', '10.0.0.2', '10.0.0.2']);
    // An older epoch never wins.
    announced = { host: '10.0.0.3', epoch: 1 };
    await sleep(700);
    assert.equal(followers[0]!.host, '10.0.0.2');
    for (const f of followers) f.stop();
    const atStop = requests;
    await sleep(700);
    assert.equal(requests, atStop, 'no polling once nobody follows');
    assert.equal(followers[0]!.host, '10.0.0.2', 'a stopped follower keeps what it knew');
  } finally {
    server.close();
  }
});
