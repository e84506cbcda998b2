import { map, type OperatorFunction } from 'rxjs';
import type { LoadedModel } from '../model/load-model.js';
import type { PredictionHeaderMode } from '../records/prediction-headers.js';
import { PredictionRecords } from '../records/prediction-record.js';
import type { OutboxMessage } from '../state/state-store.js';
import type { AdvancedBatch, PredictedBatch } from './batch-stages.js';

/**
 * One prediction message per applied event (records/prediction-record.ts), with the headers
 * `headers` asks for. Deterministic: the same event, state and model give the same bytes, so a
 * repeated prediction is identical.
 *
 * Order and concurrency: synchronous; predictions are in the order of the applied events.
 */
export function buildPredictions(loaded: LoadedModel, headers: PredictionHeaderMode): OperatorFunction<AdvancedBatch, PredictedBatch> {
  const records = new PredictionRecords(loaded, headers);
  const outSize = loaded.model.spec.outputSize;
  return map((advanced): PredictedBatch => {
    const n = advanced.applied.length;
    records.begin(advanced.batch.topic, advanced.batch.partition, n);
    const predictions: OutboxMessage[] = new Array<OutboxMessage>(n);
    for (let i = 0; i < n; i++) {
      const { event, message } = advanced.applied[i];
      predictions[i] = records.record(event, advanced.steps[i], advanced.outputs.subarray(i * outSize, (i + 1) * outSize), message.offset);
    }
    return { ...advanced, predictions };
  });
}
