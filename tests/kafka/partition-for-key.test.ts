import { describe, expect, it } from 'vitest';
import { partitionForKey } from '../../src/kafka/partition-for-key.js';

/** murmur2 values from the Java client's own test (org.apache.kafka.common.utils.UtilsTest#testMurmur2). */
const JAVA_MURMUR2: readonly [string, number][] = [
  ['21', -973932308],
  ['foobar', -790332482],
  ['a-little-bit-long-string', -985981536],
  ['a-little-bit-longer-string', -1486304829],
  ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
  ['abc', 479470107],
];

describe('partitionForKey', () => {
  it.each(JAVA_MURMUR2)('places %s where the Java client does (murmur2 & 0x7fffffff mod n)', (key, hash) => {
    for (const n of [1, 3, 7, 64]) expect(partitionForKey(key, n)).toBe((hash & 0x7fffffff) % n);
  });

  it('treats a Buffer key like its string', () => {
    expect(partitionForKey(Buffer.from('foobar'), 12)).toBe(partitionForKey('foobar', 12));
  });

  it('refuses a partition count below 1', () => {
    expect(() => partitionForKey('a', 0)).toThrow(RangeError);
  });
});
