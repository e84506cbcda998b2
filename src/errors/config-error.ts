import { RnnStreamError, type RnnStreamErrorOptions } from './rnn-stream-error.js';

/** Invalid configuration or command-line options; the message names the key, the value and the rule. */
export class ConfigError extends RnnStreamError {
  readonly key: string | undefined;

  constructor(message: string, context: { key?: string } = {}, options: RnnStreamErrorOptions = {}) {
    super(message, options);
    this.key = context.key;
  }
}
