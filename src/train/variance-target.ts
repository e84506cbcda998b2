/**
 * Training a variance forecast (the gaussian_nll and qlike losses): the targets become the
 * variance proxy v = r² of the next log return (next_abs_logret is squared; next_sq_logret is
 * r² already), scaled by their training mean m so that the head's log-variance output starts
 * near 0 (σ² = m) instead of 10 units away. The scale is stored as the manifest's `output.std`
 * ([m], mean [0]) and decoding (`decode: log_variance`) gives σ² = exp(out) · m, the forecast
 * variance of the next log return.
 */
import { DatasetError } from '../errors/index.js';
import type { KeySeries } from './dataset-key-series.js';
import type { NormalisationStats } from './normalisation-stats.js';
import type { TargetKind } from './target-kind.js';
import { targetStandardisation } from './target-standardisation.js';

/** Replaces next_abs_logret targets |r| by r² in place (other targets are left as they are). */
export function toVarianceProxy(series: readonly KeySeries[], kind: TargetKind): void {
  if (kind !== 'next_abs_logret') return;
  for (const s of series) for (let i = 0; i < s.targets.length; i++) s.targets[i] *= s.targets[i];
}

/** The scale of variance targets: mean [0], std [training mean of the proxy] (see file header). */
export function varianceScale(series: readonly KeySeries[]): NormalisationStats {
  const m = targetStandardisation(series, 1).mean[0];
  if (!(m > 0) || !Number.isFinite(m)) throw new DatasetError(`the training steps' mean squared return is ${m}; a variance forecast needs a positive one (all prices unchanged?)`);
  return { mean: [0], std: [m] };
}
