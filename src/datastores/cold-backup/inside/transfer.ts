// Moving a data directory as a gzipped tar stream over HTTP, with the run's
// token: the supervisor uploads, the standby downloads and unpacks.
import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/** Packs `dir` and PUTs it to `url`; resolves with the stored size. */
export function uploadDir(dir: string, url: string, token: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const tar = spawn('tar', ['-C', dir, '-czf', '-', '.'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const put = request(url, { method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-tar' } }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => {
        if (response.statusCode !== 201) reject(new Error(`storage answered ${response.statusCode}: ${body}`));
        else resolve(Number((JSON.parse(body) as { bytes: number }).bytes));
      });
    });
    put.on('error', reject);
    tar.on('error', reject);
    tar.on('exit', (code) => {
      if (code !== 0) reject(new Error(`tar of ${dir} exited ${code}`));
    });
    tar.stdout.pipe(put);
  });
}

/** Empties `dir` and unpacks the tar stream GET `url` returns into it. */
export function downloadInto(dir: string, url: string, token: string): Promise<void> {
  // A standby that never served has no data directory yet (Redis keeps none in its image).
  mkdirSync(dir, { recursive: true });
  for (const entry of readdirSync(dir)) rmSync(join(dir, entry), { recursive: true, force: true });
  return new Promise((resolve, reject) => {
    const get = request(url, { method: 'GET', headers: { authorization: `Bearer ${token}` } }, (response) => {
      if (response.statusCode !== 200) {
        reject(new Error(`storage answered ${response.statusCode} for ${url}`));
        response.resume();
        return;
      }
      const tar = spawn('tar', ['-C', dir, '-xzf', '-'], { stdio: ['pipe', 'inherit', 'inherit'] });
      tar.on('error', reject);
      tar.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`unpacking into ${dir} exited ${code}`))));
      response.pipe(tar.stdin);
    });
    get.on('error', reject);
    get.end();
  });
}
