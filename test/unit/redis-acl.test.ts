import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { REDIS_APP_USER, redisAppUserLine, redisAppUserRules, workloadLogin } from '../../src/core/redis-acl.js';
import { LAST_WRITE_KEY_PREFIX, SHARED_KEY_PREFIX, WRITE_KEY_PREFIX } from '../../src/core/redis-keys.js';

describe('the workload\'s Redis user', () => {
  test('reaches every workload key and nothing else', () => {
    const patterns = redisAppUserRules(false).filter((r) => r.startsWith('~'));
    assert.deepEqual(patterns, ['~hadrill:*']);
    for (const prefix of [WRITE_KEY_PREFIX, LAST_WRITE_KEY_PREFIX, SHARED_KEY_PREFIX]) assert.ok(prefix.startsWith('hadrill:'), prefix);
  });
  test('starts from nothing, and backs out the dangerous and admin commands after the categories it adds', () => {
    const rules = redisAppUserRules(false);
    assert.ok(rules.indexOf('-@all') < rules.indexOf('+@write'));
    assert.ok(rules.indexOf('+@read') < rules.indexOf('-@dangerous') && rules.indexOf('+@write') < rules.indexOf('-@dangerous'));
    assert.ok(rules.indexOf('-@admin') < rules.indexOf('+info'), 'INFO (the ready check) comes back after -@dangerous');
    assert.ok(!rules.some((r) => r.startsWith('+cluster')));
    assert.ok(redisAppUserRules(true).includes('+cluster|slots'), 'a cluster client asks for the slot map');
  });
  test('the redis.conf line, and none for a run without a workload password', () => {
    assert.equal(redisAppUserLine('pw', false), `user ${REDIS_APP_USER} on >pw resetchannels ~hadrill:* -@all +@read +@write +@transaction +@connection -@dangerous -@admin +info\n`);
    assert.equal(redisAppUserLine(undefined, false), '');
    assert.equal(redisAppUserLine('', true), '');
  });
  test('agents log in as the workload user where the run has one, else as the default user', () => {
    assert.deepEqual(workloadLogin({ redisPassword: 'admin', redisAppPassword: 'app' }), { user: 'hadrill-workload', password: 'app' });
    assert.deepEqual(workloadLogin({ redisPassword: 'admin' }), { user: '', password: 'admin' });
  });
});
