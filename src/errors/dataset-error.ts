import { RnnStreamError, type RnnStreamErrorOptions } from './rnn-stream-error.js';

/** Training data that cannot be used (unreadable file, no usable events, an empty split); names the file and, when known, the line and key. */
export class DatasetError extends RnnStreamError {
  readonly file: string | undefined;
  readonly line: number | undefined;
  readonly key: string | undefined;

  constructor(message: string, context: { file?: string; line?: number; key?: string } = {}, options: RnnStreamErrorOptions = {}) {
    const where = [context.file && (context.line ? `${context.file}:${context.line}` : context.file), context.key && `key ${JSON.stringify(context.key)}`]
      .filter(Boolean)
      .join(', ');
    super(where ? `${where}: ${message}` : message, options);
    this.file = context.file;
    this.line = context.line;
    this.key = context.key;
  }
}
