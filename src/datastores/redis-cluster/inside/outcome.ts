// Which errors of ioredis's Cluster client mean "definitely not applied" and
// which "may have been applied". Conservative: unknown unless the server
// refused the command or it provably never left the client.
import type { Outcome } from '../../../core/history.js';

/**
 * Server refusals. Redis checks each of these before it runs the command,
 * so the write was not applied:
 * - CLUSTERDOWN: the node considers the cluster (or the key's slot) down.
 * - MOVED / ASK: another node owns the slot; the refusing node ran nothing.
 * - TRYAGAIN: the slot is being migrated and the keys are split.
 * - READONLY: a replica addressed as a master.
 * - NOREPLICAS: min-replicas-to-write is not met.
 * - MASTERDOWN, LOADING, BUSY, OOM: the node cannot take commands now.
 * - ERR, WRONGTYPE, CROSSSLOT, NOAUTH, WRONGPASS: the command itself was rejected.
 */
const REFUSAL = /^(CLUSTERDOWN|MOVED|ASK|TRYAGAIN|READONLY|NOREPLICAS|MASTERDOWN|LOADING|BUSY|OOM|ERR|WRONGTYPE|CROSSSLOT|NOAUTH|WRONGPASS)\b/;

/**
 * Refusals by the client before anything was written to a socket:
 * - the cluster client is not ready (status other than ready) and, without
 *   an offline queue, drops the command instead of queueing it;
 * - the node connection is not writable and has no offline queue;
 * - the client has been ended (only by stop()).
 */
const NOT_SENT = ["Cluster isn't ready and enableOfflineQueue options is false", "Stream isn't writeable and enableOfflineQueue options is false", 'Cluster is ended.'];

/** What ioredis puts before the last error once it gives up redirecting. */
const REDIRECTIONS = 'Too many Cluster redirections. Last error: ';

/**
 * The outcome of a failed write, by its error message. Everything else is
 * unknown: "Command timed out" (the command may be queued at, or applied by,
 * a node that has not answered), "Connection is closed." (ioredis gives it
 * both to commands never sent and to commands in flight when a socket
 * closed), a command aborted by a connection close, the agent's own
 * deadline.
 */
export function clusterOutcome(message: string): Outcome {
  // The writer makes ioredis retry only after refusals (MOVED, ASK, TRYAGAIN), so every attempt before
  // the last was refused and the last error alone decides. ioredis writes it as `ReplyError: MOVED ...`.
  if (message.startsWith(REDIRECTIONS)) return clusterOutcome(message.slice(REDIRECTIONS.length).replace(/^\w*Error: /, ''));
  if (REFUSAL.test(message)) return 'failed';
  if (NOT_SENT.some((m) => message === m)) return 'failed';
  return 'unknown';
}
