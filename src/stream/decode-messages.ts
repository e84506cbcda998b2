import { map, type OperatorFunction } from 'rxjs';
import type { Logger } from 'pino';
import { decodeEvent, type DecodeOptions } from '../events/decode-event.js';
import type { PipelineMetrics } from '../metrics/pipeline-metrics.js';
import type { ClaimedBatch, DeadLetter, DecodedBatch, DecodedEvent } from './batch-stages.js';
import { deadLetterRecord } from '../records/dead-letter-record.js';
import type { PartitionCheck } from './partition-check.js';

/** What {@link decodeMessages} works with besides the decode options. */
export interface DecodeMessagesDeps {
  /** Counts record batches skipped unread. */
  readonly metrics: Pick<PipelineMetrics, 'recordSkippedBatch'>;
  readonly logger?: Logger;
  /** Checks each valid event's key against the partition it arrived on. */
  readonly check?: PartitionCheck;
  readonly onWrongPartition?: (count: number) => void;
}

/**
 * Decodes and validates every message still to apply (events/decode-event.ts). A valid event
 * goes on; a bad one (malformed JSON, missing or wrongly typed field, wrong feature count,
 * non-finite or non-positive number, oversized, null key) becomes a dead letter with its
 * original bytes and the reason. The stand-in for a record batch the source could not read
 * (StreamMessage.unreadableBatch) has no record to dead-letter: it is counted by reason and
 * logged with its offsets, and, like every message of the batch, moves the watermark past it.
 * Never throws on input and never touches state. With a `check`, a valid event whose key
 * belongs to another partition is dead-lettered as `wrong_partition` (policy `reject`) or kept
 * (policy `count`); `onWrongPartition` counts both.
 *
 * Order and concurrency: synchronous; one output per input; events keep offset order.
 */
export function decodeMessages(options: DecodeOptions, deps: DecodeMessagesDeps): OperatorFunction<ClaimedBatch, DecodedBatch> {
  const { check, onWrongPartition } = deps;
  return map((claimed): DecodedBatch => {
    const events: DecodedEvent[] = [];
    const deadLetters: DeadLetter[] = [];
    const { topic, partition } = claimed.batch;
    for (const message of claimed.messages) {
      if (message.unreadableBatch !== undefined) {
        const { reason, detail, firstOffset } = message.unreadableBatch;
        deps.metrics.recordSkippedBatch(reason);
        deps.logger?.warn({ topic, partition, firstOffset, lastOffset: message.offset, reason }, `record batch skipped unread: ${detail}`);
        continue;
      }
      const key = message.key === null ? null : message.key.toString('utf8');
      const result = decodeEvent(message.value, key, options);
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
