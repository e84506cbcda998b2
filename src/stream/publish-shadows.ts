import { concatMap, type OperatorFunction } from 'rxjs';
import type { Logger } from 'pino';
import type { LoadedModel } from '../model/load-model.js';
import type { PredictionHeaderMode } from '../records/prediction-headers.js';
import { PredictionRecords } from '../records/prediction-record.js';
import type { OutboxMessage } from '../state/state-store.js';
import type { AppliedBatch } from './batch-stages.js';
import type { RecordSink } from './record-sink.js';

/** Dependencies of {@link publishShadows}. */
export interface PublishShadowsDeps {
  readonly sink: RecordSink;
  /** Where shadow predictions go; null: nowhere (the operator passes batches through). */
  readonly shadowTopic: string | null;
  readonly headers: PredictionHeaderMode;
  /** Counts shadow predictions produced, and failed sends. */
  readonly onProduced?: (count: number) => void;
  readonly onError?: () => void;
  readonly logger?: Logger;
}

/**
 * Produces each shadow model's predictions of an applied batch to the shadow topic (the output
 * topic's record format, the shadow's version in it), after the champion's were produced. At most
 * once: shadow predictions are not in the outbox, so a crash between the state write and this send
 * loses that batch's (the batch is not applied again), and a failed send is logged and counted,
 * never failing the batch. A step that was not finite has no prediction.
 *
 * Order and concurrency: one output per input, in input order (concatMap).
 */
export function publishShadows(deps: PublishShadowsDeps): OperatorFunction<AppliedBatch, AppliedBatch> {
  const writers = new WeakMap<LoadedModel, PredictionRecords>();
  return concatMap(async (batch): Promise<AppliedBatch> => {
    const topic = deps.shadowTopic;
    if (topic === null || batch.disposition !== 'apply' || batch.shadows.length === 0 || batch.applied.length === 0) return batch;
    const records: OutboxMessage[] = [];
    for (const shadow of batch.shadows) {
      const loaded = shadow.runtime.loaded;
      let writer = writers.get(loaded);
      if (writer === undefined) writers.set(loaded, (writer = new PredictionRecords(loaded, deps.headers)));
      const size = shadow.runtime.out.length;
      writer.begin(batch.batch.topic, batch.batch.partition, batch.applied.length);
      for (let i = 0; i < batch.applied.length; i++) {
        if (Number.isNaN(shadow.outputs[i * size])) continue;
        const { event, message } = batch.applied[i];
        records.push(writer.record(event, shadow.steps[i], shadow.outputs.subarray(i * size, (i + 1) * size), message.offset));
      }
    }
    try {
      await deps.sink.send(topic, records);
      deps.onProduced?.(records.length);
    } catch (error) {
      deps.onError?.();
      deps.logger?.warn({ topic, partition: batch.batch.partition, err: error }, 'cannot produce shadow predictions; they are not retried');
    }
    return batch;
  });
}
