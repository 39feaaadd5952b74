// Redis Cluster's key -> hash slot function (key-slot.ts): CRC16-XMODEM mod 16384 with the
// hash-tag rules of the cluster spec, checked against values Redis itself documents.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CLUSTER_SLOTS, slotOf } from '../../src/datastores/redis-cluster/key-slot.js';

/** A bit-at-a-time CRC16-XMODEM (poly 0x1021, init 0), written independently of the table in key-slot.ts. */
function referenceCrc16(bytes: Uint8Array): number {
  let crc = 0;
  for (const b of bytes) {
    crc ^= b << 8;
    for (let i = 0; i < 8; i++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('slotOf: the CRC16 slot function', () => {
  test('Redis Cluster has 16384 slots', () => {
    assert.equal(CLUSTER_SLOTS, 16384);
  });

  test('the cluster spec\'s check value: CRC16("123456789") is 0x31C3, so the key\'s slot is 12739', () => {
    assert.equal(referenceCrc16(utf8('123456789')), 0x31c3, 'the reference CRC agrees with the spec');
    assert.equal(slotOf('123456789'), 0x31c3 % 16384);
    assert.equal(slotOf('123456789'), 12739);
  });

  test('known CLUSTER KEYSLOT answers: foo 12182, bar 5061, hello 866, somekey 11058, foo{hash_tag} 2515', () => {
    assert.equal(slotOf('foo'), 12182);
    assert.equal(slotOf('bar'), 5061);
    assert.equal(slotOf('hello'), 866);
    assert.equal(slotOf('somekey'), 11058);
    assert.equal(slotOf('foo{hash_tag}'), 2515);
  });

  test('agrees with a bit-by-bit CRC16 on many keys, ASCII and not', () => {
    const keys = ['', 'a', 'A', 'key:0', 'key:1', 'user:42:profile', 'hadrill:w:idc-a:000123', 'é', '日本語', '🙂', ' ', 'x'.repeat(1000)];
    for (let i = 0; i < 200; i++) keys.push(`k${i}-${(i * 7919).toString(36)}`);
    for (const key of keys) assert.equal(slotOf(key), referenceCrc16(utf8(key)) % 16384, JSON.stringify(key));
  });

  test('every slot is within 0..16383', () => {
    for (let i = 0; i < 5000; i++) {
      const slot = slotOf(`key-${i}`);
      assert.ok(Number.isInteger(slot) && slot >= 0 && slot < 16384, `key-${i} -> ${slot}`);
    }
  });

  test('the empty key hashes to slot 0 (the CRC of nothing is 0)', () => {
    assert.equal(slotOf(''), 0);
  });

  test('a string key is hashed as its UTF-8 bytes: the same slot as those bytes given as a Uint8Array', () => {
    for (const key of ['foo', 'é', 'naïve{ü}', '{日本}語']) assert.equal(slotOf(key), slotOf(utf8(key)), key);
    // "é" is two bytes in UTF-8 (0xC3 0xA9), not the one code unit 0xE9.
    assert.equal(slotOf('é'), referenceCrc16(Uint8Array.of(0xc3, 0xa9)) % 16384);
    assert.notEqual(slotOf('é'), referenceCrc16(Uint8Array.of(0xe9)) % 16384);
  });
});

describe('slotOf: hash tags', () => {
  test('{user1000}.following and {user1000}.followers share a slot: the slot of "user1000"', () => {
    assert.equal(slotOf('{user1000}.following'), slotOf('{user1000}.followers'));
    assert.equal(slotOf('{user1000}.following'), slotOf('user1000'));
    assert.notEqual(slotOf('user1000.following'), slotOf('user1000.followers'), 'without the tag they are hashed whole (and happen to differ)');
  });

  test('the tag may be anywhere in the key: foo{bar}baz hashes "bar"', () => {
    assert.equal(slotOf('foo{bar}baz'), slotOf('bar'));
    assert.equal(slotOf('{bar}'), slotOf('bar'));
    assert.equal(slotOf('prefix:{bar}'), 5061);
  });

  test('an empty tag {} hashes the whole key, even when a non-empty tag follows', () => {
    assert.equal(slotOf('foo{}{bar}'), referenceCrc16(utf8('foo{}{bar}')) % 16384);
    assert.notEqual(slotOf('foo{}{bar}'), slotOf('bar'));
    assert.equal(slotOf('{}'), referenceCrc16(utf8('{}')) % 16384);
  });

  test('only the first {...} counts: foo{bar}{zap} hashes "bar"', () => {
    assert.equal(slotOf('foo{bar}{zap}'), slotOf('bar'));
    assert.notEqual(slotOf('foo{bar}{zap}'), slotOf('zap'));
  });

  test('the tag runs from the first { to the first } after it: foo{{bar}}zap hashes "{bar"', () => {
    assert.equal(slotOf('foo{{bar}}zap'), slotOf('{bar'));
    assert.equal(slotOf('foo{{bar}}zap'), referenceCrc16(utf8('{bar')) % 16384);
  });

  test('a { without a } after it hashes the whole key', () => {
    for (const key of ['foo{bar', '{', 'a{b{c', 'x}y{z']) assert.equal(slotOf(key), referenceCrc16(utf8(key)) % 16384, key);
    assert.notEqual(slotOf('foo{bar'), slotOf('bar'));
  });

  test('a } before the first { does not close a tag: a}b{c}d hashes "c"', () => {
    assert.equal(slotOf('a}b{c}d'), slotOf('c'));
  });

  test('tags work on Uint8Array keys and on multi-byte characters', () => {
    assert.equal(slotOf(utf8('order:{日本}:1')), slotOf('日本'));
    assert.equal(slotOf(utf8('foo{bar}')), slotOf('bar'));
  });
});
