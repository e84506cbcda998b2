import type { Rejection } from '../events/reject-reason.js';
import { HEADERS, sourceHeaders } from './record-headers.js';
import type { SinkRecord } from './sink-record.js';
import type { StreamMessage } from './stream-message.js';

/** Longest detail text put in a header (details quote input, which may be large). */
const MAX_DETAIL = 512;

/**
 * Largest value kept in the dead letter of an `oversized` message. The original may exceed the
 * broker's message limit once sent uncompressed (it can arrive compressed); an unsendable dead
 * letter would fail its batch forever. Its first bytes are kept, with the original size in a header.
 */
export const MAX_OVERSIZED_VALUE_BYTES = 65_536;

/**
 * The dead-letter record of a rejected input message: its original key, value and headers,
 * byte for byte (an oversized value is cut to MAX_OVERSIZED_VALUE_BYTES), plus headers with the reason, a detail, and the source topic, partition,
 * offset and timestamp. Deterministic: the same message and rejection give the same record.
 */
export function deadLetterRecord(topic: string, partition: number, message: StreamMessage, rejection: Rejection): SinkRecord {
  const cut = rejection.reason === 'oversized' && message.value !== null && message.value.length > MAX_OVERSIZED_VALUE_BYTES;
  return {
    key: message.key,
    value: cut ? message.value!.subarray(0, MAX_OVERSIZED_VALUE_BYTES) : message.value,
    headers: {
      ...message.headers,
      ...(cut ? { [HEADERS.originalSize]: String(message.value!.length) } : {}),
      ...sourceHeaders(topic, partition, message),
      [HEADERS.sourceTimestamp]: message.timestamp,
      [HEADERS.reason]: rejection.reason,
      [HEADERS.detail]: rejection.detail.length > MAX_DETAIL ? `${rejection.detail.slice(0, MAX_DETAIL - 3)}...` : rejection.detail,
    },
  };
}
