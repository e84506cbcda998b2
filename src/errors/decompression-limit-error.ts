import { RnnStreamError } from './rnn-stream-error.js';

/**
 * A compressed record batch would decompress to more than the configured limit: refused before
 * its records are read (a compression bomb, or a limit set too low for the producers' batches).
 * Not retriable: the same bytes give the same answer.
 */
export class DecompressionLimitError extends RnnStreamError {
  /** The limit in bytes (kafka.maxDecompressedBatchBytes). */
  readonly limitBytes: number;
  /** Size of the compressed batch, bytes. */
  readonly compressedBytes: number;

  constructor(limitBytes: number, compressedBytes: number, options: { cause?: unknown } = {}) {
    super(`a compressed record batch of ${compressedBytes} bytes decompresses to more than ${limitBytes} bytes (kafka.maxDecompressedBatchBytes)`, options);
    this.limitBytes = limitBytes;
    this.compressedBytes = compressedBytes;
  }
}
