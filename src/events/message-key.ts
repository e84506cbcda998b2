import { isUtf8 } from 'node:buffer';
import type { Rejection } from './reject-reason.js';

/**
 * The text of a Kafka message key: null for a message without one, and an `invalid_key`
 * rejection when its bytes are not valid UTF-8 (decoding would replace the bad bytes by U+FFFD
 * and let distinct keys share one state). The one key rule of the stream, backtest and replay.
 */
export function messageKeyText(key: Buffer | null): string | null | Rejection {
  if (key === null) return null;
  if (!isUtf8(key)) return { reason: 'invalid_key', detail: `message key is not valid UTF-8 (${key.length} bytes)` };
  return key.toString('utf8');
}
