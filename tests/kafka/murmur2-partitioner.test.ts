import { Partitioners, type PartitionMetadata } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { murmur2Partitioner } from '../../src/kafka/murmur2-partitioner.js';

const metadata = (count: number, leaderless: readonly number[] = []): PartitionMetadata[] =>
  Array.from({ length: count }, (_, partitionId) => ({
    partitionErrorCode: 0,
    partitionId,
    leader: leaderless.includes(partitionId) ? -1 : 0,
    replicas: [0],
    isr: [0],
    offlineReplicas: [],
  }));

/** Keys of every UTF-8 length class, lone surrogates, and lengths around the 4-byte blocks and the scratch size. */
function keys(): (string | Buffer)[] {
  let seed = 7;
  const rand = (n: number): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % n);
  const pool = ['a', 'Z', '0', '-', 'é', 'ß', '€', '中', '😀', '\ud800', '\udfff', '\u0000'];
  const out: (string | Buffer)[] = ['', 'AAPL', 'BTC-USD', 'doc-7', '😀😀', '\ud83d', 'x'.repeat(1024), 'é'.repeat(1024), 'x'.repeat(1025), '中'.repeat(3000)];
  for (let i = 0; i < 400; i++) {
    let s = '';
    const length = rand(40);
    for (let j = 0; j < length; j++) s += pool[rand(pool.length)];
    out.push(s, Buffer.from(s));
  }
  for (let i = 0; i < 100; i++) out.push(Buffer.from(Array.from({ length: rand(33) }, () => rand(256))));
  // ASCII keys of every length around the loop's limit (64 units), and ones that turn non-ASCII at their end.
  for (let length = 0; length <= 80; length++) {
    const ascii = Array.from({ length }, () => String.fromCharCode(rand(128))).join('');
    out.push(ascii, `${ascii}é`, `${ascii}\ud800`);
  }
  return out;
}

describe('murmur2Partitioner', () => {
  it("places every key where kafkajs' DefaultPartitioner (the Java client's placement) does", () => {
    const ours = murmur2Partitioner();
    const reference = Partitioners.DefaultPartitioner();
    for (const count of [1, 3, 7, 64]) {
      const partitionMetadata = metadata(count);
      for (const key of keys()) {
        const args = { topic: 't', partitionMetadata, message: { key, value: null } };
        expect(ours(args), `key ${JSON.stringify(String(key))} of ${count}`).toBe(reference(args));
      }
    }
  });

  it("keeps a message's own partition", () => {
    const ours = murmur2Partitioner();
    expect(ours({ topic: 't', partitionMetadata: metadata(8), message: { key: 'AAPL', value: null, partition: 5 } })).toBe(5);
  });

  it('spreads keyless messages over the partitions that have a leader', () => {
    const ours = murmur2Partitioner();
    const partitionMetadata = metadata(4, [1, 2]);
    const seen = new Set<number>();
    for (let i = 0; i < 20; i++) seen.add(ours({ topic: 't', partitionMetadata, message: { key: null, value: null } }));
    expect([...seen].sort()).toEqual([0, 3]);
  });
});
