import { lastValueFrom, type Observable } from 'rxjs';
import type { BatchOutcome, BatchStatus, StreamBatch } from './stream-batch.js';
import type { WorkBudget } from './work-budget.js';

/**
 * Works through a fetched batch as consecutive sub-batches of `budget.eventsPerSubBatch()`
 * messages (re-read before each one, so the size follows the measured model cost), each run by
 * `run` to its own outcome: its own state write, publish and commit. A sub-batch shares the
 * batch's control, so each one commits its own last offset.
 *
 * Stops early, leaving the rest of the batch unapplied and uncommitted (the source fetches it
 * again, here or at the partition's next owner), when a sub-batch does not commit (failed,
 * fenced, stale), when the batch went stale (sought or revoked), or when the source is stopping
 * (`control.isRunning()` false). So a stop waits for one sub-batch per partition in flight, not
 * for a whole fetch, and a rebalance discards at most the sub-batch in hand.
 *
 * Returns the batch's outcome: counts summed over its sub-batches; the status of the last one
 * run (`stale` when none ran); a failure carries its error.
 *
 * Order and concurrency: sub-batches run one after the other, in offset order.
 */
export async function runSubBatches(
  batch: StreamBatch,
  budget: WorkBudget,
  run: (sub: StreamBatch) => Observable<BatchOutcome>,
): Promise<BatchOutcome> {
  const { messages, control } = batch;
  let status: BatchStatus = 'stale';
  let applied = 0;
  let rejected = 0;
  let duplicates = 0;
  let from = 0;
  do {
    if (!control.isActive() || control.isRunning?.() === false) break;
    const to = Math.min(messages.length, from + budget.eventsPerSubBatch());
    const sub: StreamBatch = from === 0 && to === messages.length ? batch : { ...batch, messages: messages.slice(from, to) };
    const outcome = await lastValueFrom(run(sub));
    applied += outcome.applied;
    rejected += outcome.rejected;
    duplicates += outcome.duplicates;
    status = outcome.status;
    if (status === 'failed') return { ...outcome, applied, rejected, duplicates };
    if (status !== 'committed' && status !== 'skipped') break;
    from = to;
  } while (from < messages.length);
  return { topic: batch.topic, partition: batch.partition, status, applied, rejected, duplicates };
}
