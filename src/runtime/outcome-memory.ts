/**
 * What a key's outcomes leave in its memory for live scoring (features/feature-memory.ts): its
 * latest log return r_t = ln(price_t / price_{t-1}), how many returns it has had, and the
 * RiskMetrics EWMA variance s2 <- (1 - alpha) s2 + alpha r_t^2 started at s2_0. These are what
 * the naive baselines `last_value`, `last_class` and `ewma_variance` need at step t
 * (train/baseline-predictors.ts defines them; quality/live-baseline.ts computes them live).
 *
 * Updated by ModelRuntime.advance before the feature transform (which overwrites the previous
 * price), so serving, backtest and training validation leave the same bytes in a key's state.
 * Vector and token events keep their own outcomes in the same slots (features/feature-memory.ts):
 * a vector event with a one-number `target` (a class index, for a class model) leaves it as the key's latest target (the
 * `last_value` / `last_class` baselines of vector targets), a token its id and whether it ended a
 * sequence (the repeat-the-token baseline of next-token models).
 */
import { MEM_EWMA_VARIANCE, MEM_LAST_END, MEM_LAST_RETURN, MEM_LAST_TARGET, MEM_PREV_PRICE, MEM_RETURNS, MEM_SEEN, MEM_TARGETS } from '../features/feature-memory.js';
import type { ModelEvent } from '../events/model-event.js';
import { logReturnInput } from '../features/market-features.js';
import type { ModelManifest } from '../model/manifest.js';

/** RiskMetrics' daily decay (lambda 0.94), as a smoothing weight alpha = 1 - lambda. */
export const DEFAULT_EWMA_ALPHA = 0.06;

/** Parameters of the EWMA variance a manifest implies. */
export interface OutcomeMemoryParams {
  /** Weight of the newest squared return (the training run's `ewmaAlpha`, else {@link DEFAULT_EWMA_ALPHA}). */
  readonly alpha: number;
  /** Start value: the training mean of r^2 when the manifest allows it to be recovered, else 0. */
  readonly start: number;
  /**
   * Vector `class` models: the number of classes; a `target` that is not a class index below it
   * is no target (as training skips it), so it is not kept. 0 for other models.
   */
  readonly classes: number;
}

/**
 * The EWMA parameters of `manifest`: alpha from `provenance.hyperParameters.ewmaAlpha`; the start
 * is the training mean of the squared return, recovered from the output standardisation: a
 * variance model's scale m (output.std, the training mean of r^2), or for `next_logret` and
 * `next_abs_logret` mean^2 + std^2 of the targets (population std, so E[y^2] exactly).
 */
export function outcomeMemoryParams(manifest: ModelManifest): OutcomeMemoryParams {
  const hyper = manifest.provenance?.hyperParameters as { ewmaAlpha?: unknown } | undefined;
  const a = hyper?.ewmaAlpha;
  const alpha = typeof a === 'number' && a > 0 && a <= 1 ? a : DEFAULT_EWMA_ALPHA;
  const out = manifest.output;
  const mean = out?.mean?.[0] ?? 0;
  const std = out?.std?.[0] ?? 0;
  let start = 0;
  if (out?.decode === 'log_variance') start = std;
  else if (out?.target === 'next_sq_logret') start = mean;
  else if (out?.target === 'next_logret' || out?.target === 'next_abs_logret') start = mean * mean + std * std;
  const classes = manifest.features.kind === 'vector' && out?.target === 'class' ? manifest.outputSize : 0;
  return { alpha, start, classes };
}

/**
 * Updates the outcome slots of `memory` with an event (before the feature transform sees it).
 * Returns a tick's log return ln(price / previous price) when its key has had a tick before (for
 * the feature transform, which would compute the same number), else undefined. Allocates nothing.
 */
export function updateOutcomeMemory(memory: Float64Array, event: ModelEvent, params: OutcomeMemoryParams): number | undefined {
  if (event.kind === 'vector') {
    const t = event.target;
    if (t?.length === 1 && (params.classes === 0 || (Number.isInteger(t[0]) && t[0] >= 0 && t[0] < params.classes))) countOutcome(memory, t[0]);
    return undefined;
  }
  if (event.kind === 'token') {
    countOutcome(memory, event.id);
    memory[MEM_LAST_END] = event.end ? 1 : 0;
    return undefined;
  }
  if (memory[MEM_SEEN] === 0) return undefined;
  const r = logReturnInput(event.price, memory[MEM_PREV_PRICE]);
  const before = memory[MEM_RETURNS] === 0 ? params.start : memory[MEM_EWMA_VARIANCE];
  memory[MEM_EWMA_VARIANCE] = (1 - params.alpha) * before + params.alpha * r * r;
  memory[MEM_LAST_RETURN] = r;
  if (memory[MEM_RETURNS] < Number.MAX_SAFE_INTEGER) memory[MEM_RETURNS] += 1;
  return r;
}

function countOutcome(memory: Float64Array, value: number): void {
  memory[MEM_LAST_TARGET] = value;
  if (memory[MEM_TARGETS] < Number.MAX_SAFE_INTEGER) memory[MEM_TARGETS] += 1;
}
