import { RnnStreamError, type RnnStreamErrorOptions } from './rnn-stream-error.js';

/** A model manifest or weights file that cannot be used; names the file and, when known, the tensor. */
export class ModelFormatError extends RnnStreamError {
  readonly file: string | undefined;
  readonly tensor: string | undefined;

  constructor(
    message: string,
    context: { file?: string; tensor?: string } = {},
    options: RnnStreamErrorOptions = {},
  ) {
    const where = [context.file, context.tensor && `tensor ${context.tensor}`].filter(Boolean).join(', ');
    super(where ? `${where}: ${message}` : message, options);
    this.file = context.file;
    this.tensor = context.tensor;
  }
}
