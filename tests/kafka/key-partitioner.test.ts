import { readFileSync } from 'node:fs';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { crc32 } from '../../src/kafka/crc32.js';
import { partitionOfKey, type KeyPartitioner } from '../../src/kafka/key-partitioner.js';
import { murmur2 } from '../../src/kafka/murmur2.js';
import { partitionForKey } from '../../src/kafka/partition-for-key.js';
import { SeededRandom } from '../../src/model/random.js';

interface FixtureCase {
  readonly partitioner: 'consistent' | 'consistent_random' | 'murmur2' | 'murmur2_random';
  readonly partitions: number;
  readonly key: string;
  readonly partition: number;
}

/** Delivery reports of a real librdkafka producer (tests/fixtures/partitioners/generate.py). */
const fixture = JSON.parse(readFileSync(new URL('../fixtures/partitioners/librdkafka-partitions.json', import.meta.url), 'utf8')) as {
  librdkafka: string;
  cases: FixtureCase[];
};

/** librdkafka's partitioner names mapped to ours. */
const OURS: Record<FixtureCase['partitioner'], KeyPartitioner> = {
  consistent: 'crc32',
  consistent_random: 'consistent_random',
  murmur2: 'murmur2',
  murmur2_random: 'murmur2',
};

function randomBytes(rng: SeededRandom, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = rng.int(256);
  return out;
}

describe('crc32', () => {
  it('gives the CRC-32 check value of "123456789"', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
  });

  it("equals zlib's crc32 on random inputs of every length 0-64", () => {
    const rng = new SeededRandom(3);
    for (let length = 0; length <= 64; length++) {
      for (let rep = 0; rep < 20; rep++) {
        const bytes = randomBytes(rng, length);
        expect(crc32(bytes)).toBe(zlibCrc32(bytes));
      }
    }
  });
});

describe('murmur2', () => {
  it("equals kafkajs' Java-compatible partitioner on random keys", () => {
    const rng = new SeededRandom(4);
    for (let i = 0; i < 2000; i++) {
      const key = Buffer.from(randomBytes(rng, rng.int(40)));
      const count = 1 + rng.int(50);
      expect(partitionOfKey('murmur2', key, count)).toBe(partitionForKey(key, count));
    }
  });

  it('returns a signed 32-bit integer', () => {
    const rng = new SeededRandom(5);
    for (let i = 0; i < 200; i++) {
      const h = murmur2(randomBytes(rng, 1 + rng.int(20)));
      expect(Number.isInteger(h) && h >= -(2 ** 31) && h < 2 ** 31).toBe(true);
    }
  });
});

describe('partitionOfKey against a real librdkafka producer', () => {
  it(`places every fixture key where librdkafka ${fixture.librdkafka} did`, () => {
    expect(fixture.cases.length).toBeGreaterThan(400);
    for (const c of fixture.cases) {
      expect(partitionOfKey(OURS[c.partitioner], Buffer.from(c.key, 'utf8'), c.partitions), `${c.partitioner} ${JSON.stringify(c.key)} of ${c.partitions}`).toBe(c.partition);
    }
  });

  it('differs between crc32 and murmur2 for most keys (the misrouting this check finds)', () => {
    const differing = fixture.cases.filter((c) => c.partitioner === 'consistent' && partitionOfKey('murmur2', Buffer.from(c.key), c.partitions) !== c.partition);
    expect(differing.length).toBeGreaterThan(fixture.cases.filter((c) => c.partitioner === 'consistent').length / 2);
  });

  it('leaves an empty key to chance under consistent_random only', () => {
    expect(partitionOfKey('consistent_random', new Uint8Array(0), 6)).toBeNull();
    expect(partitionOfKey('crc32', new Uint8Array(0), 6)).toBe(0);
    expect(partitionOfKey('murmur2', new Uint8Array(0), 6)).toBe(partitionForKey(Buffer.alloc(0), 6));
  });
});
