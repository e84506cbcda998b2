import { Gauge, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { ConsumerLag } from '../../src/metrics/consumer-lag.js';

function setup(fromBeginning = true): { lag: ConsumerLag; value: (p: number) => Promise<number | undefined> } {
  const registry = new Registry();
  const gauge = new Gauge({ name: 'lag', help: 'h', labelNames: ['topic', 'partition'] as const, registers: [registry] });
  const lag = new ConsumerLag(gauge, () => fromBeginning);
  const value = async (p: number): Promise<number | undefined> => {
    const json = await registry.getMetricsAsJSON();
    return json[0].values.find((v) => v.labels.topic === 'ticks' && v.labels.partition === String(p))?.value;
  };
  return { lag, value };
}

describe('ConsumerLag', () => {
  it('reports a partition from its assignment on, before any batch, from the group’s committed offset', async () => {
    const { lag, value } = setup();
    lag.assign('ticks', [0, 1]);
    expect(await value(0)).toBeUndefined();
    lag.brokerOffsets('ticks', [
      { partition: 0, start: 0, end: 100_000, committed: 40_000 },
      { partition: 1, start: 500, end: 900 },
      { partition: 2, start: 0, end: 7 },
    ]);
    expect(await value(0)).toBe(60_000);
    // No committed offset: the consumer starts at the earliest retained offset.
    expect(await value(1)).toBe(400);
    // Not assigned here: no series.
    expect(await value(2)).toBeUndefined();
  });

  it('starts a partition without commits at the log end when not reading from the beginning', async () => {
    const { lag, value } = setup(false);
    lag.assign('ticks', [0]);
    lag.brokerOffsets('ticks', [{ partition: 0, start: 0, end: 900 }]);
    expect(await value(0)).toBe(0);
  });

  it('follows applied batches, and keeps the applied position over an older committed one', async () => {
    const { lag, value } = setup();
    lag.assign('ticks', [0]);
    lag.applied('ticks', 0, 1000, 5000);
    expect(await value(0)).toBe(4000);
    lag.brokerOffsets('ticks', [{ partition: 0, start: 0, end: 6000, committed: 800 }]);
    expect(await value(0)).toBe(5000);
    lag.applied('ticks', 0, 6000, Number.NaN);
    expect(await value(0)).toBe(0);
  });

  it('keeps growing while nothing is applied (a stall)', async () => {
    const { lag, value } = setup();
    lag.assign('ticks', [0]);
    lag.applied('ticks', 0, 100, 100);
    lag.brokerOffsets('ticks', [{ partition: 0, start: 0, end: 5100, committed: 100 }]);
    expect(await value(0)).toBe(5000);
    lag.brokerOffsets('ticks', [{ partition: 0, start: 0, end: 9100, committed: 100 }]);
    expect(await value(0)).toBe(9000);
  });

  it('removes the series of revoked partitions and forgets their position', async () => {
    const { lag, value } = setup();
    lag.assign('ticks', [0, 1]);
    lag.applied('ticks', 0, 10, 20);
    lag.applied('ticks', 1, 10, 30);
    lag.assign('ticks', [1]);
    expect(await value(0)).toBeUndefined();
    expect(await value(1)).toBe(20);
    expect(lag.assigned('ticks')).toEqual([1]);
    lag.assign('ticks', [0, 1]);
    lag.brokerOffsets('ticks', [{ partition: 0, start: 0, end: 50, committed: 45 }]);
    expect(await value(0)).toBe(5);
  });
});
