// The id of this HADRILL_HOME, made once and kept in it (0600). Every Docker
// resource hadrill creates carries it as a label, and every lookup filters on
// it: a second home on the same engine never adopts, heals or removes what
// this one made, even when both use the same run name.
import { randomBytes } from 'node:crypto';
import { existsSync, linkSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HadrillError } from '../core/errors.js';
import { ensureHome, hadrillHome } from './run-store.js';

const HOME_ID = /^[0-9a-f]{16}$/;

export function homeIdFile(): string {
  return join(hadrillHome(), 'home-id');
}

/** This home's id, made on first use. */
export function homeId(): string {
  const file = homeIdFile();
  if (!existsSync(file)) create(file);
  const id = readFileSync(file, 'utf8').trim();
  if (!HOME_ID.test(id)) {
    throw new HadrillError('environment', `${file} does not hold a hadrill home id (16 hex digits).`, {
      hint: 'Restore it from a backup; deleting it makes hadrill treat the runs of this home as another home\'s (it will not touch them; `docker rm -f` does).',
    });
  }
  return id;
}

function create(file: string): void {
  ensureHome();
  // Written aside and linked into place: two commands starting at once in a new home agree on one id,
  // and neither ever reads a half-written file.
  const draft = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(draft, `${randomBytes(8).toString('hex')}\n`, { mode: 0o600 });
  try {
    linkSync(draft, file);
  } catch (error) {
    if ((error as { code?: string }).code !== 'EEXIST') throw error;
  } finally {
    rmSync(draft, { force: true });
  }
}
