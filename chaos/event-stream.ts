/**
 * The seeded input of a chaos run: market ticks over `keys` keys, each message placed in its
 * partition explicitly (the Java/kafkajs murmur2 partitioner, computed by kafkajs itself), with
 * about `invalidRate` of the messages invalid, one of every kind a tick model can reject under
 * default settings, each with the reason the verifier expects. Every message carries its index
 * in the header `chaos-id`, so the verifier finds what it meant, wherever it landed and however
 * often a producer retry wrote it.
 */
import { Partitioners, type PartitionMetadata } from 'kafkajs';
import { SeededRandom } from './seeded-random.js';

/** What the verifier expects of one message. */
export interface PlannedMessage {
  readonly key: string | null;
  readonly partition: number;
  readonly value: Buffer;
  /** Null: a valid tick; else the dead-letter reason expected. */
  readonly reason: string | null;
  /** The message key's bytes when they are not a string's UTF-8 (an `invalid_key` message); else `key` is sent. */
  readonly rawKey?: Buffer;
  /** For valid ticks: the event as sent. */
  readonly tick: { readonly ts: number; readonly price: number; readonly volume: number } | null;
}

/** Kinds of invalid message generated, by expected reason. */
export const INVALID_KINDS = [
  'malformed_json', 'not_an_object', 'null_key', 'key_mismatch', 'missing_field', 'wrong_type', 'bad_timestamp',
  'non_finite', 'non_positive_price', 'negative_volume', 'oversized', 'wrong_partition', 'invalid_key', 'timestamp_out_of_range',
] as const;

/** The first ts after 9999-12-31T23:59:59.999Z: out of range whatever the clock says. */
const AFTER_YEAR_9999 = 253_402_300_800_000;

const javaPartitioner = Partitioners.DefaultPartitioner();

/** The Java client's partition of `key` (kafkajs' DefaultPartitioner), among `count`. */
export function murmur2Partition(key: string, count: number): number {
  const partitionMetadata: PartitionMetadata[] = Array.from({ length: count }, (_, partitionId) => ({
    partitionErrorCode: 0, partitionId, leader: 0, replicas: [0], isr: [0], offlineReplicas: [],
  }));
  return javaPartitioner({ topic: 't', partitionMetadata, message: { key, value: null } });
}

export const keyName = (i: number): string => `K${String(i).padStart(4, '0')}`;

/** Generates messages on demand; `plan` keeps every one, indexed by its chaos-id. */
export class EventStream {
  readonly plan: PlannedMessage[] = [];
  private readonly rng: SeededRandom;
  private readonly prices: number[];
  private readonly partitionOf: number[];
  private ts = 1_764_000_000_000;

  constructor(seed: number, private readonly keys: number, private readonly partitions: number, private readonly invalidRate: number) {
    this.rng = new SeededRandom(seed * 7919 + 1);
    this.prices = Array.from({ length: keys }, () => 20 + this.rng.uniform(0, 200));
    this.partitionOf = Array.from({ length: keys }, (_, i) => murmur2Partition(keyName(i), partitions));
  }

  /** The next message of the stream (valid, or now and then invalid). */
  next(): PlannedMessage {
    this.ts += 1 + this.rng.int(20);
    const k = this.rng.int(this.keys);
    const key = keyName(k);
    const partition = this.partitionOf[k];
    if (this.rng.next() < this.invalidRate) return this.push(this.invalid(k, key, partition));
    this.prices[k] *= Math.exp(0.002 * this.rng.normal());
    const tick = { ts: this.ts, price: this.prices[k], volume: this.rng.int(5000) };
    return this.push({ key, partition, value: Buffer.from(JSON.stringify({ symbol: key, ...tick })), reason: null, tick });
  }

  /** A garbage message: bytes that are not UTF-8 JSON, under a valid key in its own partition. */
  garbage(): PlannedMessage {
    const k = this.rng.int(this.keys);
    const bytes = Buffer.alloc(1 + this.rng.int(300));
    for (let i = 0; i < bytes.length; i++) bytes[i] = this.rng.int(256);
    bytes[0] = 0xff;
    return this.push({ key: keyName(k), partition: this.partitionOf[k], value: bytes, reason: 'malformed_json', tick: null });
  }

  private push(m: PlannedMessage): PlannedMessage {
    this.plan.push(m);
    return m;
  }

  private invalid(k: number, key: string, partition: number): PlannedMessage {
    const kind = this.rng.pick(INVALID_KINDS);
    const ts = this.ts;
    const price = this.prices[k];
    const body = (o: Record<string, unknown>): Buffer => Buffer.from(JSON.stringify(o));
    const m = (value: Buffer, p = partition, messageKey: string | null = key): PlannedMessage => ({ key: messageKey, partition: p, value, reason: kind, tick: null });
    switch (kind) {
      case 'malformed_json':
        return m(Buffer.from(`{"symbol":"${key}","ts":${ts},"price":`));
      case 'not_an_object':
        return m(Buffer.from(`[${price},${ts}]`));
      case 'null_key':
        return m(body({ symbol: key, ts, price, volume: 1 }), this.rng.int(this.partitions), null);
      case 'key_mismatch':
        return m(body({ symbol: keyName((k + 1) % this.keys), ts, price, volume: 1 }));
      case 'missing_field':
        return m(body({ symbol: key, ts, volume: 1 }));
      case 'wrong_type':
        return m(body({ symbol: key, ts, price: String(price), volume: 1 }));
      case 'bad_timestamp':
        return m(body({ symbol: key, ts: 'yesterday', price, volume: 1 }));
      case 'non_finite':
        return m(body({ symbol: key, ts, price: null, volume: 1 }));
      case 'non_positive_price':
        return m(body({ symbol: key, ts, price: -price, volume: 1 }));
      case 'negative_volume':
        return m(body({ symbol: key, ts, price, volume: -5 }));
      case 'oversized':
        // Mostly a number beyond events.maxAbsValue; one in ten a value beyond events.maxBytes.
        return this.rng.int(10) === 0 ? m(body({ symbol: key, ts, price, volume: 1, pad: 'x'.repeat(70_000) })) : m(body({ symbol: key, ts, price: 1e16, volume: 1 }));
      case 'wrong_partition':
        // Valid tick, but in the partition a crc32 (librdkafka) producer might pick: never its own.
        return m(body({ symbol: key, ts, price, volume: 1 }), (partition + 1 + this.rng.int(this.partitions - 1)) % this.partitions);
      case 'invalid_key':
        // The key's bytes with a byte that never occurs in UTF-8 appended: no state may ever be kept for it.
        return { ...m(body({ symbol: key, ts, price, volume: 1 })), rawKey: Buffer.concat([Buffer.from(key), Buffer.from([0xff])]) };
      case 'timestamp_out_of_range':
        return m(body({ symbol: key, ts: AFTER_YEAR_9999 + this.rng.int(1_000_000), price, volume: 1 }));
    }
  }
}
