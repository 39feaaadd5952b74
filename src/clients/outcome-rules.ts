// Which client errors mean "definitely not applied" and which mean "may have
// been applied". Getting this wrong would turn unknowns into losses or hide
// real losses, so the rules are conservative: unknown unless provably not sent
// or rejected by the server.
import type { Outcome } from '../core/history.js';

/** mysql2 errors: server errors (with an errno, not fatal) roll back an autocommit insert. */
export function mysqlOutcome(error: { code?: string; errno?: number; fatal?: boolean }, sent: boolean): Outcome {
  if (!sent) return 'failed';
  if (error.fatal) return 'unknown';
  if (typeof error.errno === 'number' && error.errno > 0 && error.code?.startsWith('ER_')) return 'failed';
  return 'unknown';
}

/** ioredis errors, by message: only refusals before sending and server replies are certain. */
export function redisOutcome(message: string): Outcome {
  if (message.includes("Stream isn't writeable")) return 'failed';
  // EXECABORT: a command of the transaction was refused while queued, so EXEC ran none of them.
  if (/^(READONLY|ERR|WRONGTYPE|OOM|NOREPLICAS|MASTERDOWN|LOADING|BUSY|EXECABORT)\b/.test(message)) return 'failed';
  return 'unknown';
}
