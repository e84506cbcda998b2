import { CompressionTypes, type Message, type Producer } from 'kafkajs';

/** What the sink sends through: a producer, or one of its transactions. */
type Sender = Pick<Producer, 'send'>;
import type { SinkRecord } from '../records/sink-record.js';
import type { RecordSink } from '../stream/record-sink.js';

/** Options of {@link KafkaRecordSink}. */
export interface KafkaRecordSinkOptions {
  /** -1: all in-sync replicas acknowledge; 1: the leader only. */
  readonly acks: -1 | 1;
  readonly compression: 'none' | 'gzip';
  /** Records are sent in requests of at most about this many bytes (default 512 KiB, under the broker's 1 MiB default). */
  readonly maxRequestBytes?: number;
  /** Called once for each produce request that fails (before the error is thrown). */
  readonly onError?: (error: unknown) => void;
}

/**
 * The pipeline's sink on a kafkajs producer (idempotent, acks -1 by configuration) or on one of
 * its transactions (exactly_once). A large
 * batch of records is split into requests under `maxRequestBytes`, sent one after the other so
 * that per-key order holds; `send` resolves when every request is acknowledged.
 */
export class KafkaRecordSink implements RecordSink {
  private readonly producer: Sender;
  private readonly acks: -1 | 1;
  private readonly compression: CompressionTypes;
  private readonly maxRequestBytes: number;
  private readonly onError: ((error: unknown) => void) | undefined;

  constructor(producer: Sender, options: KafkaRecordSinkOptions) {
    this.producer = producer;
    this.acks = options.acks;
    this.compression = options.compression === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None;
    this.maxRequestBytes = options.maxRequestBytes ?? 512 * 1024;
    this.onError = options.onError;
  }

  async send(topic: string, records: readonly SinkRecord[]): Promise<void> {
    let start = 0;
    while (start < records.length) {
      let end = start;
      let bytes = 0;
      while (end < records.length && (end === start || bytes + recordBytes(records[end]) <= this.maxRequestBytes)) {
        bytes += recordBytes(records[end]);
        end++;
      }
      try {
        await this.producer.send({
          topic,
          messages: records.slice(start, end) as Message[],
          acks: this.acks,
          compression: this.compression,
        });
      } catch (error) {
        this.onError?.(error);
        throw error;
      }
      start = end;
    }
  }
}

/** Approximate wire size of a record: key, value, headers, plus per-record overhead. */
function recordBytes(r: SinkRecord): number {
  let n = 24 + (r.key === null ? 0 : r.key.length) + (r.value === null ? 0 : r.value.length);
  if (r.headers === undefined) return n;
  for (const [k, v] of Object.entries(r.headers)) {
    if (v === undefined) continue;
    for (const part of Array.isArray(v) ? v : [v]) n += k.length + part.length + 4;
  }
  return n;
}
