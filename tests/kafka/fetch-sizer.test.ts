import { describe, expect, it } from 'vitest';
import { FetchSizer, RECORD_OVERHEAD_BYTES } from '../../src/kafka/fetch-sizer.js';

const KiB = 1024;

function sizer(eventsPerFetch: number, floorBytes = 64 * KiB, ceilingBytes = 1024 * KiB): FetchSizer {
  return new FetchSizer({ eventsPerFetch: () => eventsPerFetch, floorBytes, ceilingBytes });
}

describe('FetchSizer', () => {
  it('asks for the ceiling until both the cost and the record size are measured', () => {
    expect(sizer(NaN).bytesPerPartition()).toBe(1024 * KiB);
    expect(sizer(1000).bytesPerPartition()).toBe(1024 * KiB); // no batch seen yet
    const s = sizer(NaN);
    s.observe(10, 1000);
    expect(s.bytesPerPartition()).toBe(1024 * KiB);
  });

  it('asks for the ceiling when sizing is off (Infinity events)', () => {
    const s = sizer(Infinity);
    s.observe(10, 1000);
    expect(s.bytesPerPartition()).toBe(1024 * KiB);
  });

  it('sizes a fetch as events x record size, rounded up to 4 KiB, within floor and ceiling', () => {
    // 1,724 events of 84 payload bytes (+16 framing = 100 bytes): 172,400 bytes -> 43 granules of 4 KiB = 176,128.
    const slow = sizer(1724);
    slow.observe(100, 8400);
    expect(slow.averageRecordBytes()).toBe(84 + RECORD_OVERHEAD_BYTES);
    expect(slow.bytesPerPartition()).toBe(176_128);
    // A very slow model: 10 events -> 1,000 bytes, below the floor.
    const slowest = sizer(10);
    slowest.observe(100, 8400);
    expect(slowest.bytesPerPartition()).toBe(64 * KiB);
    // A fast model: 250,000 events -> 25 MB, above the ceiling.
    const fast = sizer(250_000);
    fast.observe(100, 8400);
    expect(fast.bytesPerPartition()).toBe(1024 * KiB);
  });

  it('follows the record size as a moving average and ignores empty batches', () => {
    const s = sizer(1000, 4 * KiB);
    s.observe(10, 840); // 100 bytes a record
    s.observe(0, 0);
    expect(s.averageRecordBytes()).toBe(100);
    s.observe(10, 2840); // 300 bytes a record: the average moves a fifth of the way
    expect(s.averageRecordBytes()).toBeCloseTo(140, 12);
    expect(s.bytesPerPartition()).toBe(Math.ceil((1000 * 140) / 4096) * 4096);
  });

  it('takes a floor above the ceiling as the ceiling, and refuses limits that are not positive', () => {
    const s = sizer(1, 64 * KiB, 16 * KiB); // maxBytesPerPartition lowered below the default floor
    s.observe(10, 840);
    expect(s.floorBytes).toBe(16 * KiB);
    expect(s.bytesPerPartition()).toBe(16 * KiB);
    expect(() => sizer(1, 0, KiB)).toThrow(/must be positive: floor 0, ceiling 1024/);
    expect(() => sizer(1, KiB, 0)).toThrow(/must be positive/);
  });
});
