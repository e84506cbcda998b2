import type { ModelManifest } from '../model/manifest.js';
import { Vocabulary } from '../model/vocabulary.js';
import type { DecodeOptions } from './decode-event.js';

/** The size limits of decoding; defaults in DEFAULT_DECODE_LIMITS and config/default.yaml (`events`). */
export type DecodeLimits = Pick<DecodeOptions, 'maxBytes' | 'maxKeyLength' | 'maxAbsValue'>;

/**
 * Decode options for a model: tick events for market features, token events (with the
 * manifest's vocabulary) for token models, vectors of the model's input size otherwise, with
 * the given limits. The one place the stream, the demo and the backtest
 * get them from, so that all of them accept and reject the same events.
 */
export function decodeOptionsForModel(manifest: ModelManifest, limits: DecodeLimits): DecodeOptions {
  const f = manifest.features;
  return {
    kind: f.kind === 'market' ? 'tick' : f.kind === 'token' ? 'token' : 'vector',
    ...(f.kind === 'token' ? { vocabulary: new Vocabulary(f.vocabulary) } : {}),
    inputSize: manifest.inputSize,
    maxBytes: limits.maxBytes,
    maxKeyLength: limits.maxKeyLength,
    maxAbsValue: limits.maxAbsValue,
  };
}
