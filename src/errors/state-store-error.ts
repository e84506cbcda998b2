import { RnnStreamError, type RnnStreamErrorOptions } from './rnn-stream-error.js';

/** What the store was doing, and for which partition. */
export interface StateStoreErrorContext {
  /** The store operation: `load`, `apply`, `mark_produced`, `read_key`, `ping`, `connect`. */
  readonly op: string;
  readonly topic?: string;
  readonly partition?: number;
}

/**
 * The state store could not do an operation. `retriable` is true for connection loss, timeouts
 * and transient server states (LOADING, BUSY, TRYAGAIN, CLUSTERDOWN, MASTERDOWN, OOM): the
 * caller backs off and tries again. Other server replies are not retriable.
 */
export class StateStoreError extends RnnStreamError {
  readonly op: string;
  readonly topic: string | undefined;
  readonly partition: number | undefined;

  constructor(message: string, context: StateStoreErrorContext, options: RnnStreamErrorOptions = {}) {
    const where = context.topic === undefined ? '' : ` ${context.topic}[${context.partition}]`;
    super(`state store ${context.op}${where}: ${message}`, options);
    this.op = context.op;
    this.topic = context.topic;
    this.partition = context.partition;
  }
}
