import { tap, type MonoTypeOperatorFunction } from 'rxjs';
import type { AppliedBatch } from './batch-stages.js';

/**
 * Adds a published batch's live scores to each scored model's rolling means and drift detector
 * (the batch's champion, then its shadows). Placed after publishing, so a batch that fails (and
 * is applied again) is scored once; a crash between publishing and this stage loses that batch's
 * scores, never counts them twice.
 *
 * Order and concurrency: synchronous, passes the batch through unchanged.
 */
export function foldScores(): MonoTypeOperatorFunction<AppliedBatch> {
  return tap((batch) => {
    for (const { scorer, buffer } of batch.scores) if (buffer.count > 0) scorer.fold(buffer);
  });
}
