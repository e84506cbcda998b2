import { map, type OperatorFunction } from 'rxjs';
import type { LoadedModel } from '../model/load-model.js';
import { predictionRecord } from '../records/prediction-record.js';
import type { OutboxMessage } from '../state/state-store.js';
import type { AdvancedBatch, PredictedBatch } from './batch-stages.js';

/**
 * One prediction message per applied event (records/prediction-record.ts). Deterministic: the
 * same event, state and model give the same bytes, so a repeated prediction is identical.
 *
 * Order and concurrency: synchronous; predictions are in the order of the applied events.
 */
export function buildPredictions(loaded: LoadedModel): OperatorFunction<AdvancedBatch, PredictedBatch> {
  const outSize = loaded.model.spec.outputSize;
  return map((advanced): PredictedBatch => {
    const { topic, partition } = advanced.batch;
    const partitionText = String(partition);
    const predictions: OutboxMessage[] = new Array<OutboxMessage>(advanced.applied.length);
    for (let i = 0; i < advanced.applied.length; i++) {
      const { event, message } = advanced.applied[i];
      const out = advanced.outputs.subarray(i * outSize, (i + 1) * outSize);
      predictions[i] = predictionRecord(loaded, event, advanced.steps[i], out, topic, partition, partitionText, message.offset);
    }
    return { ...advanced, predictions };
  });
}
