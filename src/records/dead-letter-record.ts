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

/** Longest key kept in a dead letter, bytes (a longer key is `oversized` input; its first bytes are kept). */
export const MAX_DEAD_LETTER_KEY_BYTES = 1024;

/** Most bytes of input headers (names and values) a dead letter carries; beyond it they are all left out. */
export const MAX_DEAD_LETTER_HEADER_BYTES = 65_536;

/**
 * The dead-letter record of a rejected input message: its original key, value and headers,
 * byte for byte, plus headers with the reason, a detail, and the source topic, partition, offset
 * and timestamp. So that a dead letter always fits under the broker's message size limit
 * (whatever arrived), an oversized value is cut to MAX_OVERSIZED_VALUE_BYTES, a key to
 * MAX_DEAD_LETTER_KEY_BYTES (each with its original size in a header), and input headers over
 * MAX_DEAD_LETTER_HEADER_BYTES in all are left out (their count in a header). Deterministic: the
 * same message and rejection give the same record.
 */
export function deadLetterRecord(topic: string, partition: number, message: StreamMessage, rejection: Rejection): SinkRecord {
  const cut = rejection.reason === 'oversized' && message.value !== null && message.value.length > MAX_OVERSIZED_VALUE_BYTES;
  const cutKey = message.key !== null && message.key.length > MAX_DEAD_LETTER_KEY_BYTES;
  const headerCount = countHeadersOver(message, MAX_DEAD_LETTER_HEADER_BYTES);
  return {
    key: cutKey ? message.key!.subarray(0, MAX_DEAD_LETTER_KEY_BYTES) : message.key,
    value: cut ? message.value!.subarray(0, MAX_OVERSIZED_VALUE_BYTES) : message.value,
    headers: {
      ...(headerCount === 0 ? message.headers : { [HEADERS.droppedHeaders]: String(headerCount) }),
      ...(cut ? { [HEADERS.originalSize]: String(message.value!.length) } : {}),
      ...(cutKey ? { [HEADERS.originalKeySize]: String(message.key!.length) } : {}),
      ...sourceHeaders(topic, partition, message),
      [HEADERS.sourceTimestamp]: message.timestamp,
      [HEADERS.reason]: rejection.reason,
      [HEADERS.detail]: rejection.detail.length > MAX_DETAIL ? `${rejection.detail.slice(0, MAX_DETAIL - 3)}...` : rejection.detail,
    },
  };
}

/** The number of input headers when their names and values add up to more than `limit` bytes, else 0. */
function countHeadersOver(message: StreamMessage, limit: number): number {
  if (message.headers === undefined) return 0;
  let bytes = 0;
  let count = 0;
  for (const name in message.headers) {
    const value = message.headers[name];
    if (value === undefined) continue;
    for (const part of Array.isArray(value) ? value : [value]) {
      // A Kafka header value may be null on the wire, whatever the type says.
      const size = typeof part === 'string' ? Buffer.byteLength(part) : ((part as Buffer | null)?.length ?? 0);
      bytes += Buffer.byteLength(name) + size;
      count++;
    }
  }
  return bytes > limit ? count : 0;
}
