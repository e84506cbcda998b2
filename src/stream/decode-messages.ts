import { map, type OperatorFunction } from 'rxjs';
import type { Logger } from 'pino';
import { decodeEvent, MAX_EVENT_TS, type DecodeOptions } from '../events/decode-event.js';
import { MessageKeyCache } from '../events/message-key-cache.js';
import type { PipelineMetrics } from '../metrics/pipeline-metrics.js';
import type { ClaimedBatch, DeadLetter, DecodedBatch, DecodedEvent } from './batch-stages.js';
import { deadLetterRecord } from '../records/dead-letter-record.js';
import type { PartitionCheck } from './partition-check.js';

/** The wall clock and how far ahead of it an event's ts may be (`events.maxFutureSkewMs`). */
export interface DecodeTime {
  readonly now: () => number;
  readonly maxFutureSkewMs: number;
}

/** The default bound: one day ahead of Date.now(). */
export const DEFAULT_DECODE_TIME: DecodeTime = { now: Date.now, maxFutureSkewMs: 86_400_000 };

/** What {@link decodeMessages} works with besides the decode options. */
export interface DecodeMessagesDeps {
  /** Counts record batches skipped unread. */
  readonly metrics: Pick<PipelineMetrics, 'recordSkippedBatch'>;
  readonly logger?: Logger;
  /** Checks each valid event's key against the partition it arrived on. */
  readonly check?: PartitionCheck;
  readonly onWrongPartition?: (count: number) => void;
  /** The clock and future-skew bound for `timestamp_out_of_range` (default DEFAULT_DECODE_TIME). */
  readonly time?: DecodeTime;
}

/**
 * Decodes and validates every message still to apply (events/decode-event.ts). A valid event
 * goes on; a bad one (malformed JSON, missing or wrongly typed field, wrong feature count,
 * non-finite or non-positive number, oversized, null or non-UTF-8 key, ts out of range) becomes
 * a dead letter with its original bytes and the reason. The stand-in for a record batch the
 * source could not read (StreamMessage.unreadableBatch) has no record to dead-letter: it is
 * counted by reason and logged with its offsets, and, like every message of the batch, moves the
 * watermark past it. Never throws on input and never touches state. With a `check`, a valid
 * event whose key belongs to another partition is dead-lettered as `wrong_partition` (policy
 * `reject`) or kept (policy `count`); `onWrongPartition` counts both.
 *
 * Order and concurrency: synchronous; one output per input; events keep offset order.
 */
export function decodeMessages(options: DecodeOptions, deps: DecodeMessagesDeps): OperatorFunction<ClaimedBatch, DecodedBatch> {
  const { check, onWrongPartition } = deps;
  const time = deps.time ?? DEFAULT_DECODE_TIME;
  // Keys repeat: each is checked (valid UTF-8, events/message-key.ts) and decoded once.
  const keys = new MessageKeyCache();
  return map((claimed): DecodedBatch => {
    const events: DecodedEvent[] = [];
    const deadLetters: DeadLetter[] = [];
    const { topic, partition } = claimed.batch;
    // One clock read per batch: the bound moves with the wall clock, not per event.
    const maxTs = Math.min(time.now() + time.maxFutureSkewMs, MAX_EVENT_TS);
    for (const message of claimed.messages) {
      if (message.unreadableBatch !== undefined) {
        const { reason, detail, firstOffset } = message.unreadableBatch;
        deps.metrics.recordSkippedBatch(reason);
        deps.logger?.warn({ topic, partition, firstOffset, lastOffset: message.offset, reason }, `record batch skipped unread: ${detail}`);
        continue;
      }
      const key = keys.text(message.key);
      if (key !== null && typeof key === 'object') {
        deadLetters.push({ record: deadLetterRecord(topic, partition, message, key), reason: key.reason });
        continue;
      }
      const result = decodeEvent(message.value, key, options, maxTs);
      const expected = result.ok && check && message.key !== null ? check.expected(message.key) : null;
      if (expected !== null && expected !== partition) {
        onWrongPartition?.(1);
        if (check?.policy === 'reject') {
          const detail = `key belongs to partition ${expected} of ${check.partitionCount} under the ${check.partitioner} partitioner, not ${partition}`;
          deadLetters.push({ record: deadLetterRecord(topic, partition, message, { reason: 'wrong_partition', detail }), reason: 'wrong_partition' });
          continue;
        }
      }
      if (result.ok) {
        events.push({ event: result.event, message, offset: Number(message.offset) });
      } else {
        deadLetters.push({ record: deadLetterRecord(topic, partition, message, result), reason: result.reason });
      }
    }
    return { ...claimed, events, deadLetters };
  });
}
