import type { Rejection } from '../events/reject-reason.js';
import { HEADERS, sourceHeaders } from './record-headers.js';
import type { SinkRecord } from './record-sink.js';
import type { StreamMessage } from './stream-batch.js';

/** Longest detail text put in a header (details quote input, which may be large). */
const MAX_DETAIL = 512;

/**
 * The dead-letter record of a rejected input message: its original key, value and headers,
 * byte for byte, plus headers with the reason, a detail, and the source topic, partition,
 * offset and timestamp. Deterministic: the same message and rejection give the same record.
 */
export function deadLetterRecord(topic: string, partition: number, message: StreamMessage, rejection: Rejection): SinkRecord {
  return {
    key: message.key,
    value: message.value,
    headers: {
      ...message.headers,
      ...sourceHeaders(topic, partition, message),
      [HEADERS.sourceTimestamp]: message.timestamp,
      [HEADERS.reason]: rejection.reason,
      [HEADERS.detail]: rejection.detail.length > MAX_DETAIL ? `${rejection.detail.slice(0, MAX_DETAIL - 3)}...` : rejection.detail,
    },
  };
}
