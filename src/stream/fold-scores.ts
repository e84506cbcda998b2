import { tap, type MonoTypeOperatorFunction } from 'rxjs';
import type { LiveScorer } from '../quality/live-scorer.js';
import type { AppliedBatch } from './batch-stages.js';

/**
 * Adds a published batch's live scores to its model's rolling means and drift detector. Placed
 * after publishing, so a batch that fails (and is applied again) is scored once; a crash between
 * publishing and this stage loses that batch's scores, never counts them twice.
 *
 * Order and concurrency: synchronous, passes the batch through unchanged.
 */
export function foldScores(scorer: LiveScorer | undefined): MonoTypeOperatorFunction<AppliedBatch> {
  return tap((batch) => {
    if (scorer && batch.scores && batch.scores.count > 0) scorer.fold(batch.scores);
  });
}
