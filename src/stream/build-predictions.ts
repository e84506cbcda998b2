import { map, type OperatorFunction } from 'rxjs';
import { buildPrediction } from '../events/prediction.js';
import type { LoadedModel } from '../model/load-model.js';
import type { OutboxMessage } from '../state/state-store.js';
import type { AdvancedBatch, PredictedBatch } from './batch-stages.js';
import { HEADERS } from './record-headers.js';

/**
 * One prediction message per applied event (events/prediction.ts): key = entity key; value =
 * JSON {key, ts, model, modelVersion, step, output, [decoded], source: {topic, partition,
 * offset}}; headers with the source topic/partition/offset and the model. Deterministic: the
 * same event, state and model give the same bytes, so a repeated prediction is identical.
 *
 * Order and concurrency: synchronous; predictions are in the order of the applied events.
 */
export function buildPredictions(loaded: LoadedModel): OperatorFunction<AdvancedBatch, PredictedBatch> {
  const { manifest, version } = loaded;
  const outSize = loaded.model.spec.outputSize;
  return map((advanced): PredictedBatch => {
    const { topic, partition } = advanced.batch;
    const partitionText = String(partition);
    const predictions: OutboxMessage[] = new Array<OutboxMessage>(advanced.applied.length);
    for (let i = 0; i < advanced.applied.length; i++) {
      const { event, message } = advanced.applied[i];
      const out = advanced.outputs.subarray(i * outSize, (i + 1) * outSize);
      const source = { topic, partition, offset: message.offset };
      const prediction = buildPrediction(manifest, version, event, advanced.steps[i], out, source);
      predictions[i] = {
        key: event.key,
        value: Buffer.from(JSON.stringify(prediction)),
        headers: {
          [HEADERS.sourceTopic]: topic,
          [HEADERS.sourcePartition]: partitionText,
          [HEADERS.sourceOffset]: message.offset,
          [HEADERS.model]: manifest.name,
          [HEADERS.modelVersion]: version,
        },
      };
    }
    return { ...advanced, predictions };
  });
}
