// A HADRILL_HOME that others may write to is refused by every command that
// reads or writes run state, before it reads anything from it.
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { hadrill, ROOT } from '../support/hadrill-cli.js';

describe('a HADRILL_HOME others may write to', () => {
  test('status, up and down refuse it with exit 2, its mode and the fix, and write nothing into it', async () => {
    const home = join(mkdtempSync(join(tmpdir(), 'hadrill-open-home-')), 'home');
    mkdirSync(home);
    chmodSync(home, 0o777);
    // Docker is out of reach on purpose: the home is refused before hadrill looks for it.
    const env = { HADRILL_HOME: home, DOCKER_HOST: 'unix:///nonexistent/docker.sock' };
    const results = await Promise.all([['status'], ['up', join(ROOT, 'scenarios', 'hot-standby.yaml')], ['down', '--run', 'some-run']].map((args) => hadrill(args, env)));
    for (const r of results) {
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /may be written by anyone \(mode 0777\)/);
      assert.match(r.stderr, /chmod go-w/);
    }
    assert.deepEqual(readdirSync(home), [], 'nothing was written into the refused home');
  });
});
