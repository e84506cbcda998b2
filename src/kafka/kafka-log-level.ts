import { logLevel, type LogEntry } from 'kafkajs';

/** Protocol errors that are part of an ordinary rebalance (the member rejoins by itself). */
const REBALANCE_ERRORS = /REBALANCE_IN_PROGRESS|ILLEGAL_GENERATION|UNKNOWN_MEMBER_ID|NOT_COORDINATOR|COORDINATOR_NOT_AVAILABLE|COORDINATOR_LOAD_IN_PROGRESS|group is rebalancing|coordinator is not aware of this member/i;

/** kafkajs' messages while it reconnects to a broker (it retries with back-off by itself). */
const RECONNECT_MESSAGES = /^(Connection error|Connection timeout|Failed to connect to (seed )?broker|Restarting the consumer in )/;

/**
 * The broker's answer to InitProducerId while the transactional id's previous transaction is being
 * ended: expected each time a partition changes owner under exactly_once; kafkajs retries it.
 */
const CONCURRENT_TRANSACTIONS = /another concurrent operation on the same transaction was ongoing/;

/**
 * Whether `error` (or an error in its cause chain) only says the group is rebalancing: the batch
 * that hit it is fetched again by the new owner, which is routine, not a failure to report.
 */
export function isRebalanceError(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; typeof e === 'object' && e !== null && depth < 8; depth++) {
    const k = e as { type?: unknown; message?: unknown; cause?: unknown };
    if (typeof k.type === 'string' && REBALANCE_ERRORS.test(k.type)) return true;
    if (typeof k.message === 'string' && REBALANCE_ERRORS.test(k.message)) return true;
    e = k.cause;
  }
  return false;
}

/** The level a log line of kafkajs is written at: pino's level name. */
export type KafkaLogLevelName = 'error' | 'warn' | 'info' | 'debug';

/**
 * kafkajs logs routine events at ERROR: every response that says "the group is rebalancing"
 * (Heartbeat, OffsetCommit, JoinGroup, SyncGroup), rejoins after a member was forgotten, and
 * each attempt while it reconnects to a broker. Those are expected in the life of a consumer
 * group and logged at info here, as is the "concurrent transactions" answer that a new owner of
 * a partition's transactional id gets until the previous owner's transaction is ended; a crash, a failed produce or any other error stays an error.
 */
export function kafkaLogLevel(entry: LogEntry): KafkaLogLevelName {
  const { level, log } = entry;
  if (level === logLevel.ERROR || level === logLevel.WARN) {
    const error = typeof log.error === 'string' ? log.error : '';
    if (REBALANCE_ERRORS.test(log.message) || REBALANCE_ERRORS.test(error) || RECONNECT_MESSAGES.test(log.message)) return 'info';
    if (CONCURRENT_TRANSACTIONS.test(error)) return 'info';
    return level === logLevel.ERROR ? 'error' : 'warn';
  }
  return level === logLevel.INFO ? 'info' : 'debug';
}
