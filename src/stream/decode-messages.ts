import { map, type OperatorFunction } from 'rxjs';
import { decodeEvent, type DecodeOptions } from '../events/decode-event.js';
import type { ClaimedBatch, DeadLetter, DecodedBatch, DecodedEvent } from './batch-stages.js';
import { deadLetterRecord } from '../records/dead-letter-record.js';

/**
 * Decodes and validates every message still to apply (events/decode-event.ts). A valid event
 * goes on; a bad one (malformed JSON, missing or wrongly typed field, wrong feature count,
 * non-finite or non-positive number, oversized, null key) becomes a dead letter with its
 * original bytes and the reason. Never throws on input and never touches state.
 *
 * Order and concurrency: synchronous; one output per input; events keep offset order.
 */
export function decodeMessages(options: DecodeOptions): OperatorFunction<ClaimedBatch, DecodedBatch> {
  return map((claimed): DecodedBatch => {
    const events: DecodedEvent[] = [];
    const deadLetters: DeadLetter[] = [];
    const { topic, partition } = claimed.batch;
    for (const message of claimed.messages) {
      const key = message.key === null ? null : message.key.toString('utf8');
      const result = decodeEvent(message.value, key, options);
      if (result.ok) {
        events.push({ event: result.event, message, offset: Number(message.offset) });
      } else {
        deadLetters.push({ record: deadLetterRecord(topic, partition, message, result), reason: result.reason });
      }
    }
    return { ...claimed, events, deadLetters };
  });
}
