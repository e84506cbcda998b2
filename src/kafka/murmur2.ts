const SEED = 0x9747b28c;
const M = 0x5bd1e995;

/**
 * MurmurHash2 (32-bit, seed 0x9747b28c) of `bytes[0..length)`, as a signed 32-bit integer: the hash of the
 * Java client's default partitioner (`org.apache.kafka.common.utils.Utils.murmur2`), also used
 * by kafkajs' DefaultPartitioner and librdkafka's `murmur2` / `murmur2_random` partitioners.
 * Porting note: Java's int arithmetic wraps at 32 bits; Math.imul and `| 0` do the same here.
 * Allocates nothing.
 */
export function murmur2(bytes: Uint8Array, length = bytes.length): number {
  let h = (SEED ^ length) | 0;
  const whole = length & ~3;
  for (let i = 0; i < whole; i += 4) {
    let k = bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M);
    h ^= k;
  }
  const tail = length & 3;
  if (tail > 0) {
    if (tail === 3) h ^= bytes[whole + 2] << 16;
    if (tail >= 2) h ^= bytes[whole + 1] << 8;
    h ^= bytes[whole];
    h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}
