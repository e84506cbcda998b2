import { describe, expect, it } from 'vitest';
import type { Prediction } from '../../src/records/prediction.js';
import { WorkBudget } from '../../src/stream/work-budget.js';
import { makeBatch, OUT, startHarness, TOPIC, vec, type Harness } from './pipeline-harness.js';
import { replay } from './replay.js';

const DECODE = { kind: 'vector', inputSize: 3, maxBytes: 1024, maxKeyLength: 32, maxAbsValue: 1e6 } as const;

function lines(n = 40, keys = 4): string[] {
  return Array.from({ length: n }, (_, i) => vec(`k${(i * 7) % keys}`, 1_000 + i, [Math.cos(i), (i % 3) - 1, i / n]));
}

/**
 * A budget on a clock that moves 1 ms per reading: every slice reads as 1 ms of work, so after
 * the first slice the cost is 1 ms per event, a slice is 1 event (sliceMs 1) and a sub-batch
 * subBatchMs events (the first one: min(64, maxSubBatchEvents)).
 */
function steppedBudget(subBatchMs: number, maxSubBatchEvents: number): WorkBudget {
  let t = 0;
  return new WorkBudget({ sliceMs: 1, subBatchMs, maxSubBatchEvents, now: () => ++t });
}

async function expectReplayResult(h: Harness, all: readonly string[]): Promise<void> {
  const expected = replay(h.loaded, all, DECODE);
  const bySource = new Map(h.sink.records(OUT).map((r) => {
    const p = JSON.parse(String(r.value)) as Prediction;
    return [Number(p.source?.offset), p.output] as const;
  }));
  expect([...bySource.keys()].sort((a, b) => a - b)).toEqual(all.map((_, i) => i));
  expect(all.map((_, i) => bySource.get(i))).toEqual(expected.outputs);
  for (const [key, state] of expected.states) {
    const stored = await h.store.readKey({ topic: TOPIC, partition: 0 }, key);
    expect(Buffer.from(stored!.hidden.buffer).equals(Buffer.from(state.hidden.buffer))).toBe(true);
    expect(stored?.memory).toEqual(state.memory);
    expect(stored?.step).toBe(state.step);
  }
}

describe('streamPipeline: sliced model work and sub-batches', () => {
  it('applies a fetched batch as sub-batches sized by the measured cost, each committed, with the results of a sequential replay', async () => {
    const h = startHarness({ budget: steppedBudget(5, 7) });
    const all = lines();
    const b = makeBatch(0, 0, all);
    const outcome = await h.feed(b);
    expect(outcome).toMatchObject({ status: 'committed', applied: 40, rejected: 0 });
    // First sub-batch: min(64, 7) = 7 messages (offsets 0-6); then 5 at a time; the last one 3.
    expect(b.commits).toEqual(['6', '11', '16', '21', '26', '31', '36', '39']);
    await expectReplayResult(h, all);
  });

  it('sends a heartbeat between slices and lets other callbacks run while a batch is advanced', async () => {
    const h = startHarness({ budget: steppedBudget(1000, 1000) });
    let ticks = 0;
    let done = false;
    const tick = (): void => {
      ticks++;
      if (!done) setImmediate(tick);
    };
    setImmediate(tick);
    const b = makeBatch(0, 0, lines());
    const started = ticks;
    await h.feed(b);
    done = true;
    // One sub-batch of 40 events; 40 one-event slices with a heartbeat between each two.
    expect(b.commits).toEqual(['39']);
    expect(b.heartbeats.count).toBeGreaterThanOrEqual(39);
    expect(ticks - started).toBeGreaterThanOrEqual(39);
  });

  it('stops between sub-batches when the source stops, leaving the rest unapplied and uncommitted', async () => {
    const h = startHarness({ budget: steppedBudget(5, 7) });
    const all = lines();
    let running = true;
    const first = makeBatch(0, 0, all, { running: () => running });
    const originalCommit = first.batch.control.commit;
    first.batch.control.commit = (offset) => {
      originalCommit(offset);
      running = false;
    };
    const outcome = await h.feed(first);
    expect(outcome).toMatchObject({ status: 'committed', applied: 7 });
    expect(first.commits).toEqual(['6']);
    const wm = await h.store.loadPartition({ topic: TOPIC, partition: 0 });
    expect(wm.watermark).toBe(6);
    // The source fetches the rest again, from the committed offset + 1.
    const rest = await h.feed(makeBatch(0, 7, all.slice(7)));
    expect(rest).toMatchObject({ status: 'committed', applied: 33 });
    await expectReplayResult(h, all);
  });

  it('fails the batch when a heartbeat rejects mid-batch, keeping the sub-batches already committed', async () => {
    const h = startHarness({ budget: steppedBudget(5, 7) });
    const all = lines();
    let beats = 0;
    const rebalancing = Object.assign(new Error('The group is rebalancing, so a rejoin is needed'), { type: 'REBALANCE_IN_PROGRESS' });
    const b = makeBatch(0, 0, all, { heartbeat: async () => void (++beats === 20 && (await Promise.reject(rebalancing))) });
    const outcome = await h.feed(b);
    expect(outcome.status).toBe('failed');
    expect(outcome.error).toBe(rebalancing);
    expect(b.commits.length).toBeGreaterThan(0);
    const committed = Number(b.commits[b.commits.length - 1]);
    expect(committed).toBeLessThan(39);
    expect((await h.store.loadPartition({ topic: TOPIC, partition: 0 })).watermark).toBe(committed);
    // Fetched again from the committed offset + 1: the end result is the sequential replay's.
    const again = await h.feed(makeBatch(0, committed + 1, all.slice(committed + 1)));
    expect(again.status).toBe('committed');
    await expectReplayResult(h, all);
  });

  it('starts no sub-batch of a batch that arrives while the source is stopping', async () => {
    const h = startHarness({ budget: steppedBudget(5, 7) });
    const b = makeBatch(0, 0, lines(), { running: () => false });
    const outcome = await h.feed(b);
    expect(outcome).toMatchObject({ status: 'stale', applied: 0 });
    expect(b.commits).toEqual([]);
    expect(h.sink.records(OUT)).toEqual([]);
  });
});
