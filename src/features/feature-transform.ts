import type { ModelEvent } from '../events/model-event.js';

/**
 * Turns one event of a key into the model's input vector, using and updating that key's feature
 * memory (see feature-memory.ts). Deterministic, allocation-free per call.
 */
export interface FeatureTransform {
  /** Length of the vector written to `out`. */
  readonly inputSize: number;
  /**
   * Writes the (normalised) input for `event` into `out` and advances `memory`. Returns true
   * when the event's timestamp is earlier than the key's previous one (applied anyway, in
   * offset order; callers count it).
   */
  apply(event: ModelEvent, memory: Float64Array, out: Float32Array): boolean;
}
