/**
 * The scores of one batch for one model, in event order, kept until the batch is published
 * (a failed batch is applied again, and must not be scored twice). Row i holds
 * {@link SCORE_FIELDS} numbers: the model's squared error, absolute error and QLIKE, then the
 * baseline's (classes: the miss, 0 or 1, in the squared-error places; the rest 0).
 */
export const SCORE_FIELDS = 6;
export const F_MODEL_SE = 0;
export const F_MODEL_AE = 1;
export const F_MODEL_QLIKE = 2;
export const F_BASE_SE = 3;
export const F_BASE_AE = 4;
export const F_BASE_QLIKE = 5;

/** One batch's scores of one model. */
export interface ScoreBuffer {
  readonly values: Float64Array;
  /** Rows written. */
  count: number;
}

/** A buffer for up to `events` scores. */
export function newScoreBuffer(events: number): ScoreBuffer {
  return { values: new Float64Array(events * SCORE_FIELDS), count: 0 };
}
