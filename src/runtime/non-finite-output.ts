import type { Rejection } from '../events/reject-reason.js';

/**
 * The rejection of an event on which the model's step produced a NaN or infinity (ModelRuntime
 * returned `non_finite`): the same reason and detail in the stream's dead letter and the
 * backtest's report. The key is quoted, cut to 64 characters.
 */
export function nonFiniteOutputRejection(key: string): Rejection {
  return { reason: 'non_finite_output', detail: `the model's output or state for key ${JSON.stringify(key.slice(0, 64))} is not finite` };
}
