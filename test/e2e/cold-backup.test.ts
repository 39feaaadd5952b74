// End to end: the cold-backup tier. The writer's server is stopped and
// shipped to storage in another city every 10 s; its IDC loses power; the
// restore manager restores the newest complete backup onto the standby.
// What is lost must be exactly the writes the old writer acknowledged after
// the restored backup's copy began, read here from the machinery's own
// event logs and from the restored nodes themselves; the RTO is the
// detection plus the restore plus the clients' move; each backup's downtime
// is what the supervisor logged.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { BackupEvent } from '../../src/core/plan/runtime-configs.js';
import { keptDrillSuite } from '../support/kept-drill.js';
import { mysqlIds, redisIds } from '../support/node-reads.js';
import { acknowledgedIds, difference } from '../support/report-files.js';

describe('cold backup: power loss of the writer IDC, then a restore in the other city', () => {
  const suite = keptDrillSuite('e2e-cold');

  test('loses exactly the writes after the restored backup, and recovers by detection plus restore', { timeout: 400_000 }, async () => {
    const { result, report, history, state, ipOf, events: logOf } = await suite.drill('scenarios/cold-backup.yaml');
    assert.equal(result.code, 0, result.stderr.slice(-3000));
    const events = (node: string): BackupEvent[] => logOf<BackupEvent>(node);
    const power = report.faults.find((f) => f.spec.kind === 'power')!;

    for (const [group, writer, standby, held] of [
      ['mysql', 'db-a', 'db-b', () => mysqlIds(ipOf('db-b'), state.secrets.rootPassword)],
      ['redis', 'redis-a', 'redis-b', () => redisIds(ipOf('redis-b'), state.secrets.redisPassword)],
    ] as const) {
      const s = report.services.find((x) => x.name === group)!;
      const why = `${group}: lost ${s.lost}, RTO ${s.rtoMs}, split ${JSON.stringify(s.rtoSplit)}, backups ${JSON.stringify(s.backups)}, notes ${JSON.stringify(report.notes)}`;

      // The machinery's own word: which backup it restored, and when the writer was stopped for it.
      const machinery = events(`${group}-restore`);
      // A server stopped for its backup is not a dead one: nothing was detected before the power cut.
      assert.deepEqual(machinery.filter((e) => e.t === 'failure-detected' && e.at < power.requestedMs), [], `no false failover during a backup (${why})`);
      const promoted = machinery.find((e) => e.t === 'promoted');
      assert.ok(promoted && promoted.t === 'promoted', `the restore manager promoted the standby (${why})`);
      assert.equal(promoted.node, standby);
      const taken = events(writer).filter((e): e is Extract<BackupEvent, { t: 'backup' }> => e.t === 'backup');
      const restored = taken.find((b) => b.name === promoted.backup);
      assert.ok(restored, `the restored backup ${promoted.backup} is one the writer took (${taken.map((b) => b.name).join(', ')})`);
      assert.ok(taken.length >= 2, `a backup every 10 s for 24 s: ${taken.length}`);

      // Lost: every write the old writer acknowledged after its server stopped for the restored backup.
      const writerIp = ipOf(writer);
      const expected = history
        .filter((o) => o.service === group && o.kind === 'write' && o.outcome === 'ok' && o.node === writerIp && o.invokeMs >= restored.stoppedAt)
        .map((o) => o.id)
        .sort();
      assert.ok(expected.length > 20, `writes went on for seconds between the backup and the power loss: ${expected.length}`);
      assert.deepEqual([...s.lostIds].sort(), expected, why);
      // And why: they came after the restored backup's copy began, on the old writer, which the standby replaced.
      assert.deepEqual(
        (s.lostCauses ?? []).map((g) => [g.cause, g.node, g.replacedBy, g.backup]),
        [['after-restored-backup', writer, standby, restored.name]],
        why,
      );
      // And the restored node, read here, holds every other acknowledged write.
      assert.deepEqual(difference(acknowledgedIds(history, group), await held()), expected, why);
      assert.equal(s.authoritativeNode, standby);

      // RTO: from the fault, the worst client's gap is detection, then the restore, then the clients' move;
      // the gap itself opened at the client's last durable write, near the fault: up to a write interval before
      // it was asked for, or up to the time it took to apply (a write can still succeed meanwhile) after.
      const split = s.rtoSplit;
      assert.ok(s.rtoMs !== null && s.rto.gap?.endMs && split.detectMs !== null && split.promoteMs !== null && split.rerouteMs !== null, why);
      const fromFault = split.detectMs + split.promoteMs + split.rerouteMs;
      assert.ok(Math.abs(fromFault - (s.rto.gap.endMs - power.requestedMs)) < 1, why);
      assert.ok(Math.abs(s.rtoMs - fromFault) < Math.max(1000, power.appliedMs - power.requestedMs), why);
      assert.ok(split.detectMs >= 1000, `three failed probes 500 ms apart take over a second: ${why}`);
      assert.ok(s.rtoMs < 20_000, why);
      assert.deepEqual(
        s.promotions.map((p) => [p.node, p.reason]),
        [[standby, `restored ${restored.name}, the newest complete backup`]],
      );

      // Each backup's server downtime is what the supervisor logged; the clients saw at least that.
      const downtimes = taken.map((b) => b.restartedAt - b.stoppedAt).sort((a, b) => a - b);
      assert.ok(s.backups !== null, why);
      assert.equal(s.backups.completed, taken.filter((b) => b.uploadedAt !== null && b.error === undefined).length);
      assert.equal(s.backups.serverDowntimeMs.maxMs, downtimes.at(-1));
      assert.equal(s.backups.serverDowntimeMs.count, downtimes.length);
      assert.ok(s.backups.clientDowntimeMs.maxMs !== null && s.backups.clientDowntimeMs.maxMs >= downtimes[0]!, why);
      assert.equal(s.backups.lastBeforeFault?.name, restored.name);
      assert.ok(restored.stoppedAt < power.appliedMs);
    }
  });
});
