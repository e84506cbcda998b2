import type { ModelEvent } from '../events/model-event.js';

/**
 * Turns one event of a key into the model's input vector, using and updating that key's feature
 * memory (see feature-memory.ts). Deterministic, allocation-free per call.
 */
export interface FeatureTransform {
  /** Length of the vector written to `out`. */
  readonly inputSize: number;
  /**
   * Writes the (normalised) input for `event` into `out` and advances `memory`. An event whose
   * timestamp went back for its key is transformed all the same (runtime/timestamp-regression.ts
   * says what counts as one; callers count or reject it). `logReturn`: ln(price / previous
   * price) of a tick whose key has seen a tick before, when the caller has computed it already
   * (runtime/outcome-memory.ts does, from the same memory); computed here when absent.
   */
  apply(event: ModelEvent, memory: Float64Array, out: Float32Array, logReturn?: number): void;
}
