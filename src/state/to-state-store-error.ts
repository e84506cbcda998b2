import { RnnStreamError } from '../errors/rnn-stream-error.js';
import { StateStoreError, type StateStoreErrorContext } from '../errors/state-store-error.js';

/** Node socket errors after which a reconnect may succeed. */
const RETRIABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ENOTFOUND']);
/** Redis error replies that describe a passing server state (loading, failover, script busy, full). */
const RETRIABLE_REPLY = /^(LOADING|BUSY|TRYAGAIN|CLUSTERDOWN|MASTERDOWN|READONLY|NOREPLICAS|OOM)\b/;
/** ioredis' own messages for a lost or unavailable connection, or a Cluster whose slot map is in flux. */
const RETRIABLE_MESSAGE =
  /^(Connection is closed|Command timed out|Reached the max retries per request limit|Stream isn't writeable|Too many Cluster redirections|Failed to refresh slots cache|None of startup nodes is available|Cluster isn't ready)/;

/**
 * Wraps an ioredis failure in a StateStoreError with the operation and partition, retriable
 * when backing off and trying again can succeed. Errors of our own (fencing, corruption) pass through.
 */
export function toStateStoreError(error: unknown, context: StateStoreErrorContext): RnnStreamError {
  if (error instanceof RnnStreamError) return error;
  const e = error instanceof Error ? error : new Error(String(error));
  const code = (e as NodeJS.ErrnoException).code;
  const retriable =
    e.name === 'MaxRetriesPerRequestError' ||
    (code !== undefined && RETRIABLE_CODES.has(code)) ||
    RETRIABLE_REPLY.test(e.message) ||
    RETRIABLE_MESSAGE.test(e.message);
  return new StateStoreError(e.message, context, { cause: error, retriable });
}
