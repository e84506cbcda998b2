import { map, type OperatorFunction } from 'rxjs';
import { HEADERS } from '../records/record-headers.js';
import type { DeadLetter, PredictedBatch } from './batch-stages.js';

/**
 * exactly_once only: leaves out the predictions and dead letters of input offsets below the
 * partition's `outputFrom` (the group's committed offset when it was claimed), whose output a
 * committed transaction already holds. They are met again only when the store lost writes that
 * Kafka kept (a Redis restart without its last writes, lost state replayed from the log start):
 * their states are rebuilt, their output is not produced twice. Since offsets ascend within a
 * batch, what is left out is a prefix of the predictions (and of the dead letters).
 *
 * Order and concurrency: synchronous; one output per input, in input order.
 */
export function dropCommittedOutput<T extends PredictedBatch>(): OperatorFunction<T, T> {
  return map((batch): T => {
    const from = batch.context?.outputFrom ?? -1;
    if (batch.disposition !== 'apply' || from < 0 || Number(batch.messages[0].offset) >= from) return batch;
    let firstPrediction = 0;
    while (firstPrediction < batch.applied.length && batch.applied[firstPrediction].offset < from) firstPrediction++;
    const deadLetters: DeadLetter[] = batch.deadLetters.filter((l) => deadLetterOffset(l) >= from);
    return { ...batch, predictions: batch.predictions.slice(firstPrediction), deadLetters };
  });
}

/** The input offset of a dead letter, from its source header (every dead letter has one). */
function deadLetterOffset(letter: DeadLetter): number {
  const header = letter.record.headers?.[HEADERS.sourceOffset];
  const raw = Array.isArray(header) ? header[0] : header;
  const offset = raw === undefined ? NaN : Number(raw.toString());
  if (!Number.isSafeInteger(offset)) throw new RangeError(`dead letter without a source offset header (${String(header)}): a bug`);
  return offset;
}
