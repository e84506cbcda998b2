import { lastValueFrom, of } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { HEADERS } from '../../src/records/record-headers.js';
import type { PredictedBatch } from '../../src/stream/batch-stages.js';
import { dropCommittedOutput } from '../../src/stream/drop-committed-output.js';
import { PartitionContext } from '../../src/stream/partition-context.js';

/** A batch of offsets 10..19: even offsets applied (one prediction each), odd ones dead-lettered. */
function batch(outputFrom: number): PredictedBatch {
  const context = new PartitionContext({ topic: 'ticks', partition: 2 }, 9, new Map());
  context.outputFrom = outputFrom;
  const offsets = Array.from({ length: 10 }, (_, i) => 10 + i);
  const applied = offsets.filter((o) => o % 2 === 0).map((offset) => ({ offset, message: { offset: String(offset) }, event: { ts: offset } }));
  return {
    disposition: 'apply',
    context,
    messages: offsets.map((o) => ({ offset: String(o) })),
    applied,
    predictions: applied.map((a) => ({ key: 'K', value: Buffer.from(String(a.offset)) })),
    deadLetters: offsets.filter((o) => o % 2 === 1).map((o) => ({ reason: 'malformed_json', record: { key: null, value: null, headers: { [HEADERS.sourceOffset]: String(o) } } })),
  } as unknown as PredictedBatch;
}

const run = (b: PredictedBatch): Promise<PredictedBatch> => lastValueFrom(of(b).pipe(dropCommittedOutput()));

describe('dropCommittedOutput', () => {
  it('leaves out the predictions and dead letters of offsets below the committed offset', async () => {
    const out = await run(batch(15));
    expect(out.predictions.map((p) => p.value.toString())).toEqual(['16', '18']);
    expect(out.deadLetters.map((l) => l.record.headers?.[HEADERS.sourceOffset])).toEqual(['15', '17', '19']);
    // States were still applied: nothing else of the batch changes.
    expect(out.applied).toHaveLength(5);
  });

  it('keeps everything when nothing was committed, or the batch starts at or after the committed offset', async () => {
    for (const from of [-1, 3, 10]) {
      const b = batch(from);
      expect(await run(b)).toBe(b);
    }
    const out = await run(batch(12));
    expect(out.predictions.map((p) => p.value.toString())).toEqual(['12', '14', '16', '18']);
    expect(out.deadLetters.map((l) => l.record.headers?.[HEADERS.sourceOffset])).toEqual(['13', '15', '17', '19']);
  });

  it('drops all output of a batch wholly below the committed offset', async () => {
    const out = await run(batch(100));
    expect(out.predictions).toEqual([]);
    expect(out.deadLetters).toEqual([]);
  });
});
