import type { UnreadableBatch } from '../events/skip-reason.js';
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
  /**
   * Set on the stand-in for a record batch the source could not read (a compression bomb, an
   * unsupported codec): no key, value or headers; its offset is the batch's last. The pipeline
   * skips it, counts it, and moves the partition's watermark past it.
   */
  readonly unreadableBatch?: UnreadableBatch;
}
