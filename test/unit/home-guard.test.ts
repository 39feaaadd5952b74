import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { HadrillError } from '../../src/core/errors.js';
import { homeProblem, requireOwnHome } from '../../src/engine/home-guard.js';

describe('an existing HADRILL_HOME must be the user\'s own', () => {
  const mine = 1000;
  test('a private directory of the user is accepted, whatever its read bits', () => {
    assert.equal(homeProblem('/h', { isDirectory: true, uid: mine, mode: 0o40700 }, mine), null);
    assert.equal(homeProblem('/h', { isDirectory: true, uid: mine, mode: 0o40755 }, mine), null);
  });
  test('another user\'s directory is refused, root\'s too, naming both uids', () => {
    assert.match(homeProblem('/h', { isDirectory: true, uid: 0, mode: 0o40700 }, mine) ?? '', /belongs to uid 0, not to you \(uid 1000\)/);
    assert.match(homeProblem('/h', { isDirectory: true, uid: 1001, mode: 0o40700 }, 0) ?? '', /belongs to uid 1001/);
  });
  test('a directory others or its group may write to is refused, with its mode', () => {
    assert.match(homeProblem('/h', { isDirectory: true, uid: mine, mode: 0o41777 }, mine) ?? '', /written by anyone \(mode 1777\)/);
    assert.match(homeProblem('/h', { isDirectory: true, uid: mine, mode: 0o40770 }, mine) ?? '', /written by its group \(mode 0770\)/);
  });
  test('a file is refused', () => {
    assert.match(homeProblem('/h', { isDirectory: false, uid: mine, mode: 0o100600 }, mine) ?? '', /not a directory/);
  });
  test('on the real file system: exit 2 (a usage error) with the fix, for a world-writable home and a file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hadrill-home-guard-'));
    const open = join(dir, 'open');
    mkdirSync(open);
    chmodSync(open, 0o777);
    assert.throws(() => requireOwnHome(open), (e: unknown) => e instanceof HadrillError && e.code === 'usage' && /chmod go-w/.test(e.hint ?? '') && /mode 0777/.test(e.message));
    chmodSync(open, 0o700);
    assert.doesNotThrow(() => requireOwnHome(open));
    const file = join(dir, 'file');
    writeFileSync(file, '');
    assert.throws(() => requireOwnHome(file), /not a directory/);
  });
});
