import { StateCorruptError, type StateCorruptContext } from '../errors/state-corrupt-error.js';
import { HEADERS } from './record-headers.js';

/**
 * Which headers a prediction record carries (`kafka.outputHeaders`). The body always holds the
 * source topic, partition and offset, so headers are only a convenience for consumers that
 * route or de-duplicate without parsing the value:
 * - `none`: no headers (the default; the cheapest to produce and store);
 * - `source`: one header, `rnn-stream-source` = `topic:partition:offset` (a topic name cannot
 *   contain `:`);
 * - `full`: the five headers `rnn-stream-source-topic`, `-source-partition`, `-source-offset`,
 *   `rnn-stream-model`, `rnn-stream-model-version`.
 */
export const PREDICTION_HEADER_MODES = ['none', 'source', 'full'] as const;

/** One of {@link PREDICTION_HEADER_MODES}. */
export type PredictionHeaderMode = (typeof PREDICTION_HEADER_MODES)[number];

/** Name of the one header of mode `source`. */
export const SOURCE_HEADER = 'rnn-stream-source';

/** The headers of one prediction record under `mode`; undefined for `none`. `partitionText` is `String(partition)`. */
export function predictionHeaders(
  mode: PredictionHeaderMode,
  topic: string,
  partitionText: string,
  offset: string,
  model: string,
  modelVersion: string,
): Record<string, string> | undefined {
  if (mode === 'none') return undefined;
  if (mode === 'source') return { [SOURCE_HEADER]: `${topic}:${partitionText}:${offset}` };
  return {
    [HEADERS.sourceTopic]: topic,
    [HEADERS.sourcePartition]: partitionText,
    [HEADERS.sourceOffset]: offset,
    [HEADERS.model]: model,
    [HEADERS.modelVersion]: modelVersion,
  };
}

/**
 * The headers of a stored prediction under `mode`, rebuilt from its value (when an outbox is
 * produced again): the source and model are read back from the JSON, so the headers equal those
 * {@link predictionHeaders} gave it. StateCorruptError when the value is not a prediction.
 */
export function rebuildPredictionHeaders(mode: PredictionHeaderMode, value: Buffer, context: StateCorruptContext): Record<string, string> | undefined {
  if (mode === 'none') return undefined;
  let p: { model?: unknown; modelVersion?: unknown; source?: { topic?: unknown; partition?: unknown; offset?: unknown } };
  try {
    p = JSON.parse(value.toString('utf8')) as typeof p;
  } catch (cause) {
    throw new StateCorruptError('an outbox value is not JSON', context, { cause });
  }
  const s = p?.source;
  if (typeof p?.model !== 'string' || typeof p.modelVersion !== 'string' || typeof s?.topic !== 'string' || !Number.isInteger(s.partition) || typeof s.offset !== 'string') {
    throw new StateCorruptError('an outbox value is not a prediction with model, modelVersion and source', context);
  }
  return predictionHeaders(mode, s.topic, String(s.partition), s.offset, p.model, p.modelVersion);
}
