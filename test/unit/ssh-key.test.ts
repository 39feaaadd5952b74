// The run's SSH key pair (MHA drives the nodes by it): a PKCS#1 PEM private
// key and its public half in authorized_keys' one-line form, decoded here by
// RFC 4251 and checked against Node's own reading of the key and, on this
// host, against OpenSSH's ssh-keygen.
import assert from 'node:assert/strict';
import { execFileSync, execSync } from 'node:child_process';
import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { newSshKeyPair } from '../../src/engine/ssh-key.js';

/** The RFC 4251 strings of an SSH public key blob, in order. */
function sshStrings(blob: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let at = 0;
  while (at < blob.length) {
    assert.ok(at + 4 <= blob.length, 'a truncated length');
    const length = blob.readUInt32BE(at);
    assert.ok(at + 4 + length <= blob.length, `a string of ${length} bytes runs past the blob`);
    out.push(blob.subarray(at + 4, at + 4 + length));
    at += 4 + length;
  }
  return out;
}

/** An mpint as RFC 4251 has it: positive, big-endian, a leading zero byte only when the top bit is set. */
function positiveMpint(bytes: Buffer, what: string): Buffer {
  assert.ok(bytes.length > 0, `${what} is empty`);
  assert.equal(bytes[0]! & 0x80, 0, `${what} would read as negative`);
  if (bytes[0] === 0) {
    assert.ok(bytes.length > 1 && bytes[1]! & 0x80, `${what} has a needless leading zero`);
    return bytes.subarray(1);
  }
  return bytes;
}

/** ssh-keygen on this host: installed if missing (once, quietly), else a loud failure, never a skip. */
function sshKeygen(): string {
  const find = (): string => execSync('command -v ssh-keygen || true', { shell: '/bin/sh', encoding: 'utf8' }).trim();
  let path = find();
  if (path === '') {
    try {
      execSync('apt-get install -y -qq openssh-client >/dev/null 2>&1', { shell: '/bin/sh', stdio: 'ignore', timeout: 180_000 });
    } catch {
      // Reported below.
    }
    path = find();
  }
  assert.ok(path !== '', 'ssh-keygen is not installed on this host and `apt-get install -y openssh-client` did not provide it: the key pair cannot be checked against OpenSSH');
  return path;
}

describe('newSshKeyPair', () => {
  const pair = newSshKeyPair('hadrill-r1');
  const dir = mkdtempSync(join(tmpdir(), 'hadrill-ssh-key-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('the private key is PKCS#1 PEM, as OpenSSH reads it', () => {
    assert.match(pair.privatePem, /^-----BEGIN RSA PRIVATE KEY-----\n/);
    assert.match(pair.privatePem, /\n-----END RSA PRIVATE KEY-----\n?$/);
    const key = createPrivateKey(pair.privatePem);
    assert.equal(key.asymmetricKeyType, 'rsa');
    assert.equal(key.asymmetricKeyDetails?.modulusLength, 2048);
  });

  test('the public line is "ssh-rsa <base64> <comment>"', () => {
    const parts = pair.publicLine.split(' ');
    assert.equal(parts.length, 3, pair.publicLine);
    assert.equal(parts[0], 'ssh-rsa');
    assert.match(parts[1]!, /^AAAAB3NzaC1yc2E[A-Za-z0-9+/]+={0,2}$/, 'base64 of a blob starting with the string "ssh-rsa"');
    assert.equal(parts[2], 'hadrill-r1');
    assert.ok(!pair.publicLine.includes('\n'));
  });

  test('its blob is "ssh-rsa", e and n as RFC 4251 mpints, equal to the private key\'s own', () => {
    const blob = Buffer.from(pair.publicLine.split(' ')[1]!, 'base64');
    const strings = sshStrings(blob);
    assert.equal(strings.length, 3);
    assert.equal(strings[0]!.toString(), 'ssh-rsa');
    const jwk = createPublicKey(createPrivateKey(pair.privatePem)).export({ format: 'jwk' });
    const e = positiveMpint(strings[1]!, 'e');
    const n = positiveMpint(strings[2]!, 'n');
    assert.equal(e.toString('base64url'), jwk.e);
    assert.equal(n.toString('base64url'), jwk.n);
    // A 2048-bit modulus has its top bit set: its mpint carries the zero byte.
    assert.equal(strings[2]!.length, 257);
    assert.equal(strings[2]![0], 0);
  });

  test('the public half verifies what the private key signs', () => {
    const blob = Buffer.from(pair.publicLine.split(' ')[1]!, 'base64');
    const [, e, n] = sshStrings(blob);
    const pub = createPublicKey({ key: { kty: 'RSA', e: positiveMpint(e!, 'e').toString('base64url'), n: positiveMpint(n!, 'n').toString('base64url') }, format: 'jwk' });
    const data = Buffer.from('hadrill');
    assert.ok(verify('sha256', data, pub, sign('sha256', data, pair.privatePem)));
  });

  test('every pair is new', () => {
    const other = newSshKeyPair('hadrill-r1');
    assert.notEqual(other.privatePem, pair.privatePem);
    assert.notEqual(other.publicLine, pair.publicLine);
  });

  test('OpenSSH\'s ssh-keygen reads the private key and derives the same public line', () => {
    const keygen = sshKeygen();
    const file = join(dir, 'id_rsa');
    writeFileSync(file, pair.privatePem, { mode: 0o600 });
    const derived = execFileSync(keygen, ['-y', '-f', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
    const [type, base64] = derived.split(' ');
    assert.equal(`${type} ${base64}`, pair.publicLine.split(' ').slice(0, 2).join(' '));
  });
});
