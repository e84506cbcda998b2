import { promisify } from 'node:util';
import { gzip, unzip, type InputType, type ZlibOptions } from 'node:zlib';
import { DecompressionLimitError } from '../errors/decompression-limit-error.js';

const gzipAsync = promisify(gzip);
const unzipAsync = promisify<InputType, ZlibOptions, Buffer>(unzip);

/** kafkajs' codec shape (CompressionCodecs entries): compress an encoder's bytes, decompress a buffer. */
export interface KafkajsCodec {
  compress(encoder: { buffer: Buffer }): Promise<Buffer>;
  decompress(buffer: Buffer): Promise<Buffer>;
}

/**
 * kafkajs' GZIP codec with a limit on what one record batch may decompress to. kafkajs' own
 * codec inflates whatever arrives: a 750 KB batch of zeros becomes 720 MB in memory. This one
 * stops zlib once the output passes `maxDecompressedBytes` (zlib's `maxOutputLength`, so no more
 * than the limit is ever allocated) and rejects with a {@link DecompressionLimitError}; kafkajs
 * (as patched, see patches/) turns the rejection into one unreadable-batch record, which the
 * consumer source skips and counts. Compression is kafkajs' own (zlib gzip, default level).
 */
export function boundedGzipCodec(maxDecompressedBytes: number): KafkajsCodec {
  return {
    compress: (encoder) => gzipAsync(encoder.buffer),
    async decompress(buffer) {
      try {
        return await unzipAsync(buffer, { maxOutputLength: maxDecompressedBytes });
      } catch (error) {
        if ((error as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE') {
          throw new DecompressionLimitError(maxDecompressedBytes, buffer.length, { cause: error });
        }
        throw error;
      }
    },
  };
}

