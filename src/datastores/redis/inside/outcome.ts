// Which ioredis errors mean "definitely not applied" and which "may have been
// applied": conservative, unknown unless provably not sent or refused by the
// server.
import type { Outcome } from '../../../core/history.js';

/** ioredis errors, by message: only refusals before sending and server replies are certain. */
export function redisOutcome(message: string): Outcome {
  if (message.includes("Stream isn't writeable")) return 'failed';
  // EXECABORT: a command of the transaction was refused while queued, so EXEC ran none of them.
  if (/^(READONLY|ERR|WRONGTYPE|OOM|NOREPLICAS|MASTERDOWN|LOADING|BUSY|EXECABORT)\b/.test(message)) return 'failed';
  return 'unknown';
}
