import { createRequire } from 'node:module';
import type * as Kafkajs from 'kafkajs';
import type { KafkajsCodec } from './bounded-gzip-codec.js';

// kafkajs' CommonJS export of CompressionCodecs is not visible to Node's named ESM imports.
const { CompressionCodecs, CompressionTypes } = createRequire(import.meta.url)('kafkajs') as typeof Kafkajs;

/** The codec kafkajs uses for GZIP batches now (process-wide). */
export function gzipCodec(): KafkajsCodec {
  return CompressionCodecs[CompressionTypes.GZIP]() as KafkajsCodec;
}

/** Makes `codec` kafkajs' GZIP codec for every client of the process, producing and consuming. */
export function registerGzipCodec(codec: KafkajsCodec): void {
  CompressionCodecs[CompressionTypes.GZIP] = () => codec;
}
