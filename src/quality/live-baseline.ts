/**
 * The naive baselines of training (train/baseline-predictors.ts) computed live, at step t of a
 * key, from what its state holds (features/feature-memory.ts, runtime/outcome-memory.ts):
 *
 *   zero           0
 *   train_mean     the training mean of the target (output.mean; a variance model's scale m)
 *   last_value     the key's previous target, i.e. the target transform of its latest return
 *                  r_t (r, |r| or r^2); the training mean before the key's first return
 *   ewma_variance  the key's RiskMetrics variance s2 (from the training mean of r^2 before its
 *                  first return): s2 for variance forecasts, sqrt(2/pi) sqrt(s2) for next_abs_logret
 *   last_class     the class of r_t; `flat` before the key's first return (the manifest does not
 *                  record training's majority class, which training uses there)
 *
 * Vector targets (the event's own `target`; `value` of width w, `class`):
 *
 *   zero           0 for each of the w numbers
 *   train_mean     the training mean of each number (output.mean)
 *   last_value     (w = 1) the key's previous target; the training mean before its first
 *   last_class     the key's previous class; none before its first (those events are not scored:
 *                  training's fallback, the majority class, is not in the manifest)
 *
 * Token models (`next_token`):
 *
 *   last_token     the key's current token repeated as the forecast of the next
 *
 * `linear_ls`, `garch11_mle`, `majority_class` and `last_value` of a wider vector target need
 * parameters or per-key state the manifest and the key state do not hold, so they are not
 * computed live.
 */
import { MEM_EWMA_VARIANCE, MEM_LAST_RETURN, MEM_LAST_TARGET, MEM_RETURNS, MEM_TARGETS } from '../features/feature-memory.js';
import type { ModelManifest } from '../model/manifest.js';
import type { OutcomeMemoryParams } from '../runtime/outcome-memory.js';
import { directionClass } from './direction-class.js';
import type { LiveScoreSpec } from './live-score-spec.js';

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
const FLAT = 1;

/** Computes a baseline's forecast of step t from a key's memory. */
export class LiveBaselinePredictor {
  private readonly spec: LiveScoreSpec;
  private readonly trainMean: number;
  /** Vector `value` targets: the training mean of each number. */
  private readonly trainMeans: Float64Array;
  private readonly ewmaStart: number;

  constructor(spec: LiveScoreSpec, manifest: ModelManifest, outcome: OutcomeMemoryParams) {
    this.spec = spec;
    const out = manifest.output;
    this.trainMean = spec.varianceForecast ? (out?.std?.[0] ?? 0) : (out?.mean?.[0] ?? 0);
    this.trainMeans = Float64Array.from({ length: spec.width }, (_, i) => out?.mean?.[i] ?? 0);
    this.ewmaStart = outcome.start;
  }

  /** The target value of a return r for this model (r, |r| or r^2; classes: the direction class). */
  targetOf(r: number): number {
    const s = this.spec;
    if (s.classes) return directionClass(r, s.flatThreshold);
    if (s.varianceForecast || s.target === 'next_sq_logret') return r * r;
    return s.target === 'next_abs_logret' ? Math.abs(r) : r;
  }

  /** A vector `value` target: the baseline's forecast of number `i` of the key's current target. */
  component(memory: Float64Array, i: number): number {
    if (this.spec.baseline === 'zero') return 0;
    if (this.spec.baseline === 'last_value' && memory[MEM_TARGETS] > 0) return memory[MEM_LAST_TARGET];
    return this.trainMeans[i];
  }

  /** Vector `class` and `next_token`: the key's previous class or current token, or -1 when it has had none. */
  lastOutcome(memory: Float64Array): number {
    return memory[MEM_TARGETS] > 0 ? memory[MEM_LAST_TARGET] : -1;
  }

  /** Tick targets: the baseline's forecast of the target of the key's current step (a class index for classes). */
  predict(memory: Float64Array): number {
    const hasReturn = memory[MEM_RETURNS] > 0;
    switch (this.spec.baseline) {
      case 'zero':
        return 0;
      case 'train_mean':
        return this.trainMean;
      case 'last_value':
        return hasReturn ? this.targetOf(memory[MEM_LAST_RETURN]) : this.trainMean;
      case 'ewma_variance': {
        const s2 = hasReturn ? memory[MEM_EWMA_VARIANCE] : this.ewmaStart;
        return this.spec.qlike === 'variance' ? s2 : SQRT_2_OVER_PI * Math.sqrt(s2);
      }
      case 'last_class':
        return hasReturn ? directionClass(memory[MEM_LAST_RETURN], this.spec.flatThreshold) : FLAT;
      case 'last_token':
        return this.lastOutcome(memory);
    }
  }
}
