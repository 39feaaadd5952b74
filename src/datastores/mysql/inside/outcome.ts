// Which mysql2 errors mean "definitely not applied" and which "may have been
// applied". Getting this wrong would turn unknowns into losses or hide real
// losses, so the rules are conservative: unknown unless provably not sent or
// rejected by the server.
import type { Outcome } from '../../../core/history.js';

/** mysql2 errors: server errors (with an errno, not fatal) roll back an autocommit insert. */
export function mysqlOutcome(error: { code?: string; errno?: number; fatal?: boolean }, sent: boolean): Outcome {
  if (!sent) return 'failed';
  if (error.fatal) return 'unknown';
  if (typeof error.errno === 'number' && error.errno > 0 && error.code?.startsWith('ER_')) return 'failed';
  return 'unknown';
}
