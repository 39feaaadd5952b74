// `up --ttl` is checked before anything is looked for or created.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { hadrill, ROOT } from '../support/hadrill-cli.js';

describe('up --ttl', () => {
  test('a TTL out of 1m..24h, or not a duration, is exit 2 with an example, and nothing is created', async () => {
    const home = join(mkdtempSync(join(tmpdir(), 'hadrill-ttl-')), 'home');
    const env = { HADRILL_HOME: home, DOCKER_HOST: 'unix:///nonexistent/docker.sock' };
    const results = await Promise.all(['30s', '25h', 'soon'].map((ttl) => hadrill(['up', join(ROOT, 'scenarios', 'hot-standby.yaml'), '--ttl', ttl], env)));
    for (const [i, r] of results.entries()) {
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, new RegExp(`--ttl ${['30s', '25h', 'soon'][i]}: a duration from 1m to 24h`));
      assert.match(r.stderr, /--ttl 4h/);
    }
    assert.equal(existsSync(home), false);
  });
});
