import type { BatchWrite, PartitionRef } from './state-store.js';

/**
 * Checks the shape of a batch write before any store sees it: a valid partition, integer
 * watermarks, and a new watermark past the expected one (a batch always advances). Violations
 * are programmer errors (RangeError), not fencing.
 */
export function checkBatchWrite(write: BatchWrite): void {
  checkPartitionRef(write.partition);
  const { topic, partition } = write.partition;
  if (!Number.isSafeInteger(write.expectedWatermark) || write.expectedWatermark < -1) {
    throw new RangeError(`${topic}[${partition}]: expectedWatermark ${write.expectedWatermark} is not an integer >= -1`);
  }
  if (!Number.isSafeInteger(write.watermark) || write.watermark <= write.expectedWatermark) {
    throw new RangeError(
      `${topic}[${partition}]: new watermark ${write.watermark} must be an integer above expectedWatermark ${write.expectedWatermark}`,
    );
  }
}

/** Checks that `ref` names a partition: a non-empty topic and an integer partition >= 0. */
export function checkPartitionRef(ref: PartitionRef): void {
  if (typeof ref.topic !== 'string' || ref.topic.length === 0) throw new RangeError(`topic ${JSON.stringify(ref.topic)} is not a non-empty string`);
  if (!Number.isInteger(ref.partition) || ref.partition < 0) throw new RangeError(`${ref.topic}: partition ${ref.partition} is not an integer >= 0`);
}
