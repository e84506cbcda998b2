import type { StreamMessage } from './stream-message.js';

/** Kafka-style record headers (a header may repeat, hence arrays). */
export type RecordHeaders = Readonly<Record<string, Buffer | string | (Buffer | string)[] | undefined>>;

/** Header names written on predictions and dead letters. */
export const HEADERS = {
  sourceTopic: 'rnn-stream-source-topic',
  sourcePartition: 'rnn-stream-source-partition',
  sourceOffset: 'rnn-stream-source-offset',
  model: 'rnn-stream-model',
  modelVersion: 'rnn-stream-model-version',
  /** Dead letters: the reject reason code (events/reject-reason.ts). */
  reason: 'rnn-stream-reason',
  /** Dead letters: a human-readable detail naming the field. */
  detail: 'rnn-stream-detail',
  /** On the dead letter of an oversized message whose value was cut: the original value's size in bytes. */
  originalSize: 'rnn-stream-original-size',
  /** On a dead letter whose key was cut (longer than MAX_DEAD_LETTER_KEY_BYTES): the original key's size in bytes. */
  originalKeySize: 'rnn-stream-original-key-size',
  /** On a dead letter whose input headers were left out (over MAX_DEAD_LETTER_HEADER_BYTES in all): how many there were. */
  droppedHeaders: 'rnn-stream-dropped-headers',
  /** Dead letters: the input message's own timestamp (epoch ms). */
  sourceTimestamp: 'rnn-stream-source-timestamp',
} as const;

/** The source headers of a message of `topic`/`partition`: how consumers de-duplicate. */
export function sourceHeaders(topic: string, partition: number, message: StreamMessage): Record<string, string> {
  return {
    [HEADERS.sourceTopic]: topic,
    [HEADERS.sourcePartition]: String(partition),
    [HEADERS.sourceOffset]: message.offset,
  };
}
