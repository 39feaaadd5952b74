import assert from 'node:assert/strict';
import { mkdtempSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { LiveStats } from '../../src/core/live-stats.js';
import { HistoryTail } from '../../src/engine/watch.js';

test('live rates over a sliding window, per service and IDC', () => {
  const stats = new LiveStats();
  for (let i = 0; i < 10; i++) {
    stats.add({ t: 'invoke', id: `m${i}`, service: 'mysql', kind: 'write', client: 'c', idc: 'a', at: 1000 + i * 100 });
    stats.add({ t: 'complete', id: `m${i}`, at: 1000 + i * 100 + (i === 9 ? 50 : 5), outcome: i < 8 ? 'ok' : i === 8 ? 'failed' : 'ok' });
  }
  const [row] = stats.rows(2000, 1000);
  assert.equal(row?.service, 'mysql');
  assert.equal(row?.writesPerSecond, 9);
  assert.equal(row?.errorsPerSecond, 1);
  assert.equal(row?.p99Ms, 50);
  assert.equal(row?.sinceLastOkMs, 2000 - 1950);
  const later = stats.rows(5000, 1000);
  assert.equal(later[0]?.writesPerSecond, 0, 'old completions leave the window');
  assert.equal(later[0]?.sinceLastOkMs, 5000 - 1950);
});

test('the history tail returns only appended whole lines', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hadrill-tail-'));
  const file = join(dir, 'a.jsonl');
  const tail = new HistoryTail(dir);
  appendFileSync(file, '{"t":"paused","client":"a","at":1}\n{"t":"resu');
  assert.deepEqual(tail.read(), [{ t: 'paused', client: 'a', at: 1 }]);
  appendFileSync(file, 'med","client":"a","at":2}\n');
  assert.deepEqual(tail.read(), [{ t: 'resumed', client: 'a', at: 2 }]);
  assert.deepEqual(tail.read(), []);
});
