import { Counter, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { ActivityClock } from '../../src/metrics/activity-clock.js';

describe('ActivityClock', () => {
  it('adds busy time while a batch is in the pipeline and back-pressure time while every slot is taken', async () => {
    const registry = new Registry();
    const busy = new Counter({ name: 'busy', help: 'h', registers: [registry] });
    const pressure = new Counter({ name: 'pressure', help: 'h', registers: [registry] });
    let t = 0;
    const clock = new ActivityClock(busy.labels({}), pressure.labels({}), () => t);
    clock.setSlots(2);
    t = 1000; // idle
    clock.enter();
    t = 3000; // one batch: busy
    clock.enter();
    t = 3500; // two batches, both slots: busy and back-pressure
    clock.leave();
    t = 4000; // one batch
    clock.leave();
    t = 9000; // idle
    clock.flush();
    const values = Object.fromEntries((await registry.getMetricsAsJSON()).map((m) => [m.name, m.values[0].value]));
    expect(values.busy).toBeCloseTo(3, 9);
    expect(values.pressure).toBeCloseTo(0.5, 9);
  });

  it('counts time up to a flush while the state lasts', async () => {
    const registry = new Registry();
    const busy = new Counter({ name: 'busy', help: 'h', registers: [registry] });
    const pressure = new Counter({ name: 'pressure', help: 'h', registers: [registry] });
    let t = 0;
    const clock = new ActivityClock(busy.labels({}), pressure.labels({}), () => t);
    clock.enter();
    t = 2500;
    clock.flush();
    expect((await registry.getSingleMetric('busy')!.get()).values[0].value).toBeCloseTo(2.5, 9);
  });
});
