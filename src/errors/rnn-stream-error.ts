/** Options every rnn-stream error accepts: the underlying cause and whether a retry may help. */
export interface RnnStreamErrorOptions {
  cause?: unknown;
  retriable?: boolean;
}

/**
 * Root of every error the project throws on purpose. `retriable` tells callers (retry loops,
 * the Kafka source) whether trying again can succeed; programmer and input errors are not.
 */
export class RnnStreamError extends Error {
  readonly retriable: boolean;

  constructor(message: string, options: RnnStreamErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.retriable = options.retriable ?? false;
  }
}
