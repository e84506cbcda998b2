import type { RecordHeaders } from './record-headers.js';

/** One input message, as a source hands it over (kafkajs' message, with no kafkajs type in sight). */
export interface StreamMessage {
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers?: RecordHeaders;
  /** Offset within the partition, as a decimal string (Kafka's int64). */
  readonly offset: string;
  /** Producer or log-append time, epoch milliseconds as a decimal string. */
  readonly timestamp: string;
}
