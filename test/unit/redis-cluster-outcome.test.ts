// What a failed Redis Cluster write's error means (inside/outcome.ts): failed only when the
// server refused it or it never left ioredis, unknown otherwise; exact client and server strings.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { clusterOutcome } from '../../src/datastores/redis-cluster/inside/outcome.js';

const REDIRECTED = 'Too many Cluster redirections. Last error: ';

describe('clusterOutcome', () => {
  test('CLUSTERDOWN from the server is failed: the node ran nothing', () => {
    assert.equal(clusterOutcome('CLUSTERDOWN The cluster is down'), 'failed');
    assert.equal(clusterOutcome('CLUSTERDOWN Hash slot not served'), 'failed');
  });

  test('each server refusal the file lists is failed, with Redis\'s own wording', () => {
    const refusals = [
      'MOVED 3999 10.20.2.11:6379',
      'ASK 3999 10.20.2.11:6379',
      'TRYAGAIN Multiple keys request during rehashing of slot',
      "READONLY You can't write against a read only replica.",
      'NOREPLICAS Not enough good replicas to write.',
      "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.",
      'LOADING Redis is loading the dataset in memory',
      'BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.',
      "OOM command not allowed when used memory > 'maxmemory'.",
      "ERR unknown command 'FOO', with args beginning with: ",
      'WRONGTYPE Operation against a key holding the wrong kind of value',
      "CROSSSLOT Keys in request don't hash to the same slot",
      'NOAUTH Authentication required.',
      'WRONGPASS invalid username-password pair or user is disabled.',
    ];
    for (const message of refusals) assert.equal(clusterOutcome(message), 'failed', message);
  });

  test('a refusal prefix followed by nothing is still a refusal (the prefix is a whole word)', () => {
    for (const code of ['CLUSTERDOWN', 'MOVED', 'ASK', 'TRYAGAIN', 'READONLY', 'NOREPLICAS', 'MASTERDOWN', 'LOADING', 'BUSY', 'OOM', 'ERR', 'WRONGTYPE', 'CROSSSLOT', 'NOAUTH', 'WRONGPASS']) {
      assert.equal(clusterOutcome(code), 'failed', code);
    }
  });

  test('a word that only begins with a refusal code is not one: ASKING, ERROR, BUSYKEY, MOVEDX', () => {
    for (const message of ['ASKING something', 'ERROR: something', 'BUSYKEY Target key name already exists.', 'MOVEDX 1 2']) assert.equal(clusterOutcome(message), 'unknown', message);
  });

  test('a refusal code not at the start of the message does not count', () => {
    assert.equal(clusterOutcome('ReplyError: CLUSTERDOWN The cluster is down'), 'unknown');
    assert.equal(clusterOutcome('write failed: MOVED 3999 10.20.2.11:6379'), 'unknown');
    assert.equal(clusterOutcome('clusterdown the cluster is down'), 'unknown', 'codes are upper case');
  });

  test('"Command timed out" is unknown: the command may have been applied by a node that did not answer', () => {
    assert.equal(clusterOutcome('Command timed out'), 'unknown');
  });

  test('"Connection is closed." is unknown: ioredis says it of commands in flight too', () => {
    assert.equal(clusterOutcome('Connection is closed.'), 'unknown');
  });

  test('the agent\'s own deadline is unknown', () => {
    assert.equal(clusterOutcome('no answer within 1000 ms'), 'unknown');
  });

  test('ioredis\'s not-sent refusals are failed, by their exact text', () => {
    assert.equal(clusterOutcome("Cluster isn't ready and enableOfflineQueue options is false"), 'failed');
    assert.equal(clusterOutcome("Stream isn't writeable and enableOfflineQueue options is false"), 'failed');
    assert.equal(clusterOutcome('Cluster is ended.'), 'failed');
  });

  test('a not-sent message with anything added is no longer known to be unsent', () => {
    assert.equal(clusterOutcome("Cluster isn't ready and enableOfflineQueue options is false (retrying)"), 'unknown');
    assert.equal(clusterOutcome('Cluster is ended'), 'unknown');
  });

  test('too many redirections: the last error decides, with or without its class name', () => {
    assert.equal(clusterOutcome(`${REDIRECTED}CLUSTERDOWN The cluster is down`), 'failed');
    assert.equal(clusterOutcome(`${REDIRECTED}ReplyError: CLUSTERDOWN The cluster is down`), 'failed');
    assert.equal(clusterOutcome(`${REDIRECTED}ReplyError: MOVED 3999 10.20.2.11:6379`), 'failed');
    assert.equal(clusterOutcome(`${REDIRECTED}ReplyError: TRYAGAIN Multiple keys request during rehashing of slot`), 'failed');
    assert.equal(clusterOutcome(`${REDIRECTED}Error: Connection is closed.`), 'unknown');
    assert.equal(clusterOutcome(`${REDIRECTED}Connection is closed.`), 'unknown');
    assert.equal(clusterOutcome(`${REDIRECTED}Error: Command timed out`), 'unknown');
    assert.equal(clusterOutcome(`${REDIRECTED}Error: Cluster isn't ready and enableOfflineQueue options is false`), 'failed');
  });

  test('anything else is unknown', () => {
    for (const message of ['', 'read ECONNRESET', 'connect ETIMEDOUT', 'Failed to refresh slots cache.', 'None of startup nodes is available', 'Too many Cluster redirections.']) {
      assert.equal(clusterOutcome(message), 'unknown', JSON.stringify(message));
    }
  });
});
