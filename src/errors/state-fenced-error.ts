import { RnnStreamError } from './rnn-stream-error.js';

/** The partition and the two watermarks that disagreed. */
export interface StateFencedContext {
  readonly topic: string;
  readonly partition: number;
  /** The watermark the writer believed current. */
  readonly expected: number;
  /** The watermark found in the store (-1 when none). */
  readonly actual: number;
}

/**
 * A batch write (or a load) found another watermark than expected: another worker owns or owned
 * the partition since this one read it. Never retriable: the caller has lost the partition and
 * must drop its in-memory state (a rebalance gives the partition to its new owner).
 */
export class StateFencedError extends RnnStreamError {
  readonly topic: string;
  readonly partition: number;
  readonly expected: number;
  readonly actual: number;

  constructor(context: StateFencedContext, detail = 'another writer owns the partition') {
    super(
      `${context.topic}[${context.partition}]: stored watermark is ${context.actual}, expected ` +
        `${context.expected}: ${detail}`,
      { retriable: false },
    );
    this.topic = context.topic;
    this.partition = context.partition;
    this.expected = context.expected;
    this.actual = context.actual;
  }
}
