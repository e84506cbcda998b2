import { RnnStreamError, type RnnStreamErrorOptions } from './rnn-stream-error.js';

/** Where a stored value that cannot be decoded came from. */
export interface StateCorruptContext {
  /** Entity key of the state, or a description of the record (e.g. `outbox`). */
  readonly key: string;
  readonly topic?: string;
  readonly partition?: number;
}

/**
 * Stored state bytes that cannot be decoded (wrong format version, truncated, trailing bytes,
 * non-finite numbers). Not retriable: reading the same bytes again gives the same answer.
 */
export class StateCorruptError extends RnnStreamError {
  readonly key: string;
  readonly topic: string | undefined;
  readonly partition: number | undefined;

  constructor(message: string, context: StateCorruptContext, options: RnnStreamErrorOptions = {}) {
    const where = context.topic === undefined ? '' : ` in ${context.topic}[${context.partition}]`;
    super(`state of key ${JSON.stringify(context.key)}${where} is corrupt: ${message}`, {
      ...options,
      retriable: false,
    });
    this.key = context.key;
    this.topic = context.topic;
    this.partition = context.partition;
  }
}
