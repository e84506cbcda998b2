import type { KeySeries } from './dataset-key-series.js';
import { normalisationStats, type NormalisationStats } from './normalisation-stats.js';

/**
 * Mean and std of the regression targets of the training steps (trainMask), used to train on
 * standardised targets; recorded as the manifest's `output.mean`/`output.std`, which
 * decodeOutput applies (out * std + mean) to give predictions in the target's units.
 */
export function targetStandardisation(series: readonly KeySeries[], width: number): NormalisationStats {
  return normalisationStats(
    series.map((s) => s.targets),
    series.map((s) => s.events.length),
    width,
    series.map((s) => s.trainMask),
  );
}
