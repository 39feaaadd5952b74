// An existing HADRILL_HOME is trusted with run state, secrets and the paths
// hadrill removes recursively. One that another user owns, or that others
// may write to, could hold a planted run directory, a symlink or a forged
// state file: hadrill refuses it before reading anything from it.
import { statSync } from 'node:fs';
import { HadrillError } from '../core/errors.js';

export interface HomeFacts {
  isDirectory: boolean;
  uid: number;
  mode: number;
}

/** Why a home may not be used by the user `uid` (null when it may). */
export function homeProblem(home: string, facts: HomeFacts, uid: number): string | null {
  if (!facts.isDirectory) return `HADRILL_HOME ${home} is not a directory`;
  if (facts.uid !== uid) return `HADRILL_HOME ${home} belongs to uid ${facts.uid}, not to you (uid ${uid})`;
  if ((facts.mode & 0o022) !== 0) return `HADRILL_HOME ${home} may be written by ${facts.mode & 0o002 ? 'anyone' : 'its group'} (mode ${(facts.mode & 0o7777).toString(8).padStart(4, '0')})`;
  return null;
}

/** Refuses (exit 2) an existing home that is not the user's own and private to writes. */
export function requireOwnHome(home: string): void {
  const uid = process.getuid?.();
  // Without POSIX owners (Windows) there is nothing to compare.
  if (uid === undefined) return;
  const stat = statSync(home);
  const problem = homeProblem(home, { isDirectory: stat.isDirectory(), uid: stat.uid, mode: stat.mode }, uid);
  if (problem) {
    throw new HadrillError('usage', `${problem}.`, {
      hint: `Use a HADRILL_HOME of your own (unset it for ~/.hadrill), or make this one yours: chown ${uid} ${home} && chmod go-w ${home}.`,
    });
  }
}
