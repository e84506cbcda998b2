import { map, type OperatorFunction } from 'rxjs';
import type { LoadedModel } from '../model/load-model.js';
import type { PredictionHeaderMode } from '../records/prediction-headers.js';
import { PredictionRecords } from '../records/prediction-record.js';
import type { OutboxMessage } from '../state/state-store.js';
import type { AdvancedBatch, PredictedBatch } from './batch-stages.js';

/**
 * One prediction message per applied event (records/prediction-record.ts), with the headers
 * `headers` asks for, written for the model that made the batch's outputs. Deterministic: the same event, state and model give the same bytes, so a
 * repeated prediction is identical.
 *
 * Order and concurrency: synchronous; predictions are in the order of the applied events.
 */
export function buildPredictions(headers: PredictionHeaderMode): OperatorFunction<AdvancedBatch, PredictedBatch> {
  // One writer per model version, made when a batch first uses it (a swap makes a new one).
  const writers = new WeakMap<LoadedModel, PredictionRecords>();
  return map((advanced): PredictedBatch => {
    const loaded = advanced.models.champion.loaded;
    let records = writers.get(loaded);
    if (records === undefined) writers.set(loaded, (records = new PredictionRecords(loaded, headers)));
    const outSize = loaded.model.spec.outputSize;
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
