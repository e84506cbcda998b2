import { RnnStreamError } from './rnn-stream-error.js';

/** Where an output transaction failed. */
export type OutputTransactionPhase = 'init' | 'produce' | 'send_offsets' | 'commit';

/** The input partition whose output the transaction carried, and how far it got. */
export interface OutputTransactionContext {
  readonly topic: string;
  readonly partition: number;
  readonly transactionalId: string;
  readonly phase: OutputTransactionPhase;
  /** Whether the broker fenced this producer: another instance took the transactional id. */
  readonly fenced: boolean;
  /** Whether the open transaction was aborted after the failure (false: the abort failed too, or none was open). */
  readonly aborted: boolean;
}

/**
 * An output transaction (exactly_once) did not commit: nothing of it is visible to read_committed
 * consumers. `fenced` means another instance now holds the partition's transactional id (the
 * partition moved): the batch is not this instance's to finish. Otherwise `retriable` says
 * whether trying the batch again may succeed (a lost connection, a coordinator moving); the
 * batch's outbox stays unproduced either way and is produced again in a new transaction.
 */
export class OutputTransactionError extends RnnStreamError {
  readonly topic: string;
  readonly partition: number;
  readonly transactionalId: string;
  readonly phase: OutputTransactionPhase;
  readonly fenced: boolean;
  readonly aborted: boolean;

  constructor(context: OutputTransactionContext, options: { cause: unknown; retriable: boolean }) {
    const why = options.cause instanceof Error ? options.cause.message : String(options.cause);
    super(
      `${context.topic}[${context.partition}]: output transaction ${context.transactionalId} failed at ${context.phase}` +
        `${context.fenced ? ' (fenced: another instance holds the transactional id)' : ''}; ` +
        `${context.aborted ? 'aborted' : 'not aborted'}: ${why}`,
      { cause: options.cause, retriable: options.retriable && !context.fenced },
    );
    this.topic = context.topic;
    this.partition = context.partition;
    this.transactionalId = context.transactionalId;
    this.phase = context.phase;
    this.fenced = context.fenced;
    this.aborted = context.aborted;
  }
}
