// A key pair made for one run, for machinery that drives the nodes over SSH
// (MHA): RSA, because OpenSSH reads an RSA key in PEM (PKCS#1) as Node writes
// it, and its public half in the one-line form authorized_keys takes.
import { generateKeyPairSync } from 'node:crypto';

export interface SshKeyPair {
  /** PEM, for ~/.ssh/id_rsa (mode 0600). */
  privatePem: string;
  /** `ssh-rsa AAAA... comment`, for ~/.ssh/authorized_keys. */
  publicLine: string;
}

export function newSshKeyPair(comment: string): SshKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = publicKey.export({ format: 'jwk' });
  const blob = Buffer.concat([sshString(Buffer.from('ssh-rsa')), sshString(mpint(jwk.e!)), sshString(mpint(jwk.n!))]);
  return { privatePem: privateKey.export({ format: 'pem', type: 'pkcs1' }).toString(), publicLine: `ssh-rsa ${blob.toString('base64')} ${comment}` };
}

/** RFC 4251 string: a 32-bit length, then the bytes. */
function sshString(bytes: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
}

/** RFC 4251 mpint of a positive base64url integer: big-endian, with a zero byte first when the top bit is set. */
function mpint(base64url: string): Buffer {
  const bytes = Buffer.from(base64url, 'base64url');
  return bytes[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes;
}
