import { RnnStreamError } from '../errors/index.js';
import { StateFencedError } from '../errors/state-fenced-error.js';
import type { PartitionRef, StateStore } from '../state/state-store.js';

/** Prefix of the pseudo-topic whose partition 0 records an input topic's partition count. */
export const PARTITION_COUNT_TOPIC_PREFIX = '__rnn-stream-partitions.';

/** The store record of `topic`'s partition count: a pseudo-partition whose watermark is the count. */
export function partitionCountRef(topic: string): PartitionRef {
  return { topic: `${PARTITION_COUNT_TOPIC_PREFIX}${topic}`.slice(0, 249), partition: 0 };
}

/**
 * Checks the input topic's current partition count against the one the store recorded the
 * first time (and records it then, atomically, through the store's fenced batch write). Keys
 * are spread over partitions by hash modulo count, so after a change most keys' states sit
 * under the wrong partition: running on would silently restart them. The service refuses.
 */
export async function checkPartitionCount(store: StateStore, topic: string, count: number): Promise<void> {
  const ref = partitionCountRef(topic);
  for (let attempt = 0; attempt < 3; attempt++) {
    const recorded = (await store.loadPartition(ref)).watermark;
    if (recorded === count) return;
    if (recorded !== -1) throw partitionCountChanged(topic, recorded, count);
    try {
      await store.applyBatch({ partition: ref, expectedWatermark: -1, watermark: count, states: new Map(), outbox: [] });
      return;
    } catch (error) {
      // Another instance recorded a count at the same moment: read it again and compare.
      if (!(error instanceof StateFencedError)) throw error;
    }
  }
  throw new RnnStreamError(`cannot record the partition count of ${topic}: the record keeps changing`);
}

function partitionCountChanged(topic: string, recorded: number, count: number): RnnStreamError {
  return new RnnStreamError(
    `input topic ${topic} has ${count} partitions but its state was built with ${recorded}: keys now hash to other ` +
      'partitions than the ones holding their state. Refusing to run. Restore the partition count, or migrate the ' +
      'state to the new layout (not supported yet: replay the topic into an empty key prefix), see docs/pipeline.md',
  );
}
