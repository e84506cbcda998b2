import { RnnStreamError, type RnnStreamErrorOptions } from './rnn-stream-error.js';

/**
 * A training sequence the trainer cannot use (buffer sizes that do not match its length and the
 * model, a non-finite input, a class index out of range); names the sequence's index in the
 * batch and, when known, the step.
 */
export class TrainingDataError extends RnnStreamError {
  readonly sequence: number | undefined;
  readonly step: number | undefined;

  constructor(message: string, context: { sequence?: number; step?: number } = {}, options: RnnStreamErrorOptions = {}) {
    const where = [context.sequence !== undefined && `sequence ${context.sequence}`, context.step !== undefined && `step ${context.step}`]
      .filter(Boolean)
      .join(', ');
    super(where ? `${where}: ${message}` : message, options);
    this.sequence = context.sequence;
    this.step = context.step;
  }
}
