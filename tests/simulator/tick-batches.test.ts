import { describe, expect, it } from 'vitest';
import { RnnStreamError } from '../../src/errors/index.js';
import { newSimTick, SyntheticMarket, TickBatches, tickToJson, type SimTick } from '../../src/simulator/index.js';

function ticks(n: number): SimTick[] {
  const market = new SyntheticMarket({ seed: 4, symbols: 5, startTs: 1000 });
  return Array.from({ length: n }, () => market.next(newSimTick()));
}

describe('TickBatches', () => {
  it('puts each symbol in one partition, in order, with offsets counting per partition', () => {
    const all = ticks(40);
    const batches = new TickBatches('ticks', 2, ['SYM000', 'SYM001', 'SYM002', 'SYM003', 'SYM004']);
    const first = batches.toBatches(all.slice(0, 25), 25).map((p) => p.batch);
    const second = batches.toBatches(all.slice(25), 15).map((p) => p.batch);
    for (const partition of [0, 1]) {
      const expected = all.filter((t) => t.symbolIndex % 2 === partition);
      const got = [...first, ...second].filter((b) => b.partition === partition).flatMap((b) => b.messages);
      expect(got.map((m) => m.value?.toString())).toEqual(expected.map(tickToJson));
      expect(got.map((m) => m.key?.toString())).toEqual(expected.map((t) => t.symbol));
      expect(got.map((m) => m.offset)).toEqual(expected.map((_, i) => String(i)));
      expect(got.map((m) => m.timestamp)).toEqual(expected.map((t) => String(t.ts)));
    }
    const last = second.find((b) => b.partition === 0)!;
    expect(last.highWatermark).toBe(String(Number(last.messages[last.messages.length - 1].offset) + 1));
  });

  it('makes no batch for a partition without ticks', () => {
    const one = ticks(50).filter((t) => t.symbolIndex === 3).slice(0, 3);
    const pending = new TickBatches('ticks', 4, ['a', 'b', 'c', 'd', 'e']).toBatches(one, 3);
    expect(pending.map((p) => p.batch.partition)).toEqual([3]);
  });

  it('resolves the outcome on settle, records commits and refuses seeks', async () => {
    const batches = new TickBatches('ticks', 1, ['SYM000', 'SYM001', 'SYM002', 'SYM003', 'SYM004']);
    const [pending] = batches.toBatches(ticks(3), 3);
    const { control } = pending.batch;
    control.commit('2');
    expect(batches.committedOffsets()).toEqual([2]);
    expect(() => control.seek('0')).toThrow(RnnStreamError);
    const outcome = { topic: 'ticks', partition: 0, status: 'committed' as const, applied: 3, rejected: 0, duplicates: 0 };
    control.settle(outcome);
    await expect(pending.outcome).resolves.toBe(outcome);
  });
});
