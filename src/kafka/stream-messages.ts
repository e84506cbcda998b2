import type { KafkaMessage } from 'kafkajs';
import { DecompressionLimitError } from '../errors/decompression-limit-error.js';
import type { SkipReason, UnreadableBatch } from '../events/skip-reason.js';
import type { StreamMessage } from '../records/stream-message.js';

/** The stand-in record kafkajs (as patched, see patches/) returns for a record batch it could not read. */
interface BatchDecodeFailure {
  readonly firstOffset: string;
  readonly error: unknown;
}

/**
 * kafkajs' messages of one fetched batch as the pipeline's StreamMessages. They are the same
 * objects (no copy per message) except the stand-ins for unreadable record batches, which get
 * an {@link UnreadableBatch} saying why; the array is copied only when there is one.
 */
export function streamMessages(messages: readonly KafkaMessage[]): readonly StreamMessage[] {
  let out: StreamMessage[] | undefined;
  for (let i = 0; i < messages.length; i++) {
    const failure = (messages[i] as { batchDecodeFailure?: BatchDecodeFailure }).batchDecodeFailure;
    if (failure === undefined) continue;
    out ??= messages.slice() as StreamMessage[];
    out[i] = { ...messages[i], key: null, value: null, headers: {}, unreadableBatch: unreadableBatch(failure) };
  }
  return out ?? (messages as readonly StreamMessage[]);
}

function unreadableBatch({ firstOffset, error }: BatchDecodeFailure): UnreadableBatch {
  const message = error instanceof Error ? error.message : String(error);
  return { reason: skipReason(error), detail: message, firstOffset };
}

function skipReason(error: unknown): SkipReason {
  if (error instanceof DecompressionLimitError) return 'decompression_limit';
  // kafkajs' codecs for snappy, lz4 and zstd are not built in: its lookup throws this.
  if (error instanceof Error && error.name === 'KafkaJSNotImplemented') return 'unsupported_compression';
  return 'corrupt_batch';
}
