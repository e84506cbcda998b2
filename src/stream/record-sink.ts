import type { SinkRecord } from '../records/sink-record.js';

/**
 * Where the pipeline's output goes: a Kafka producer (kafka/kafka-record-sink.ts) or, in the
 * embedded demo, the console. `send` resolves once every record is durably accepted (Kafka:
 * acknowledged by all in-sync replicas), and rejects otherwise; records of one call keep their
 * order per key.
 */
export interface RecordSink {
  send(topic: string, records: readonly SinkRecord[]): Promise<void>;
}
