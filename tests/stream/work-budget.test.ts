import { describe, expect, it } from 'vitest';
import { FIRST_SUB_BATCH_EVENTS, WorkBudget } from '../../src/stream/work-budget.js';

const options = { sliceMs: 20, subBatchMs: 500, maxSubBatchEvents: 2000 };

describe('WorkBudget', () => {
  it('advances one event per slice and takes a small first sub-batch before any cost is measured', () => {
    const budget = new WorkBudget(options);
    expect(budget.costPerEventMs()).toBeNaN();
    expect(budget.eventsPerSlice()).toBe(1);
    expect(budget.eventsPerSubBatch()).toBe(FIRST_SUB_BATCH_EVENTS);
  });

  it('sizes slices and sub-batches from the measured cost per event', () => {
    const budget = new WorkBudget(options);
    budget.record(10, 25); // 2.5 ms per event: an LSTM 256 x 2 on a busy machine
    expect(budget.costPerEventMs()).toBe(2.5);
    expect(budget.eventsPerSlice()).toBe(8); // floor(20 / 2.5)
    expect(budget.eventsPerSubBatch()).toBe(200); // floor(500 / 2.5)
  });

  it('caps a sub-batch at maxSubBatchEvents for a cheap model and never goes below one event', () => {
    const cheap = new WorkBudget(options);
    cheap.record(1000, 2); // 2 us per event
    expect(cheap.eventsPerSubBatch()).toBe(2000);
    expect(cheap.eventsPerSlice()).toBe(10_000);
    const huge = new WorkBudget(options);
    huge.record(1, 900); // one event costs more than a slice and a sub-batch
    expect(huge.eventsPerSlice()).toBe(1);
    expect(huge.eventsPerSubBatch()).toBe(1);
  });

  it('follows a change of cost through a moving average, and reads a slice below the clock resolution as not free', () => {
    const budget = new WorkBudget(options);
    budget.record(10, 10); // 1 ms
    budget.record(10, 20); // 2 ms: the average moves by 0.3 of the difference
    expect(budget.costPerEventMs()).toBeCloseTo(1.3, 12);
    const fast = new WorkBudget(options);
    fast.record(100, 0);
    expect(fast.costPerEventMs()).toBeGreaterThan(0);
    expect(Number.isFinite(fast.eventsPerSlice())).toBe(true);
  });

  it('turns fetchWorkMs into events per fetch: unknown before a measurement, unbounded when 0', () => {
    const budget = new WorkBudget({ ...options, fetchWorkMs: 500 });
    expect(budget.eventsPerFetch()).toBeNaN();
    budget.record(10, 2.9); // 0.29 ms per event: an LSTM 256 x 2
    expect(budget.eventsPerFetch()).toBe(1724); // floor(500 / 0.29)
    budget.record(1, 900);
    expect(budget.eventsPerFetch()).toBeGreaterThanOrEqual(1);
    const off = new WorkBudget({ ...options, fetchWorkMs: 0 });
    off.record(10, 2.9);
    expect(off.eventsPerFetch()).toBe(Infinity);
    expect(new WorkBudget(options).eventsPerFetch()).toBe(Infinity); // absent = 0 = off
  });
});
