import type { LoadedModel } from '../model/load-model.js';
import type { OutboxMessage } from '../state/state-store.js';
import { buildPrediction } from './prediction.js';
import { HEADERS } from './record-headers.js';

/**
 * The prediction message of one applied event: key = entity key; value = JSON {key, ts, model,
 * modelVersion, step, output, [decoded], source: {topic, partition, offset}}; headers with the
 * source topic/partition/offset and the model. Deterministic: the same event, step and output give
 * the same bytes, so a repeated prediction is identical. `out` is copied; `partitionText` is
 * `String(partition)`, passed in so a batch converts it once.
 */
export function predictionRecord(
  loaded: LoadedModel,
  event: { readonly key: string; readonly ts: number },
  step: number,
  out: Float32Array,
  topic: string,
  partition: number,
  partitionText: string,
  offset: string,
): OutboxMessage {
  const { manifest, version } = loaded;
  const prediction = buildPrediction(manifest, version, event, step, out, { topic, partition, offset });
  return {
    key: event.key,
    value: Buffer.from(JSON.stringify(prediction)),
    headers: {
      [HEADERS.sourceTopic]: topic,
      [HEADERS.sourcePartition]: partitionText,
      [HEADERS.sourceOffset]: offset,
      [HEADERS.model]: manifest.name,
      [HEADERS.modelVersion]: version,
    },
  };
}
