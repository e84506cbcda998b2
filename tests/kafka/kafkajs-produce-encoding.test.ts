import { createRequire } from 'node:module';
import { afterEach, describe, expect, it, vi } from 'vitest';

// Differential tests of patches/kafkajs+2.2.4.patch's one-pass produce encoding: an uncompressed
// produce request must hold the bytes kafkajs' own layering builds (one Record encoder per
// message, RecordBatch over them, then the partition, topic and request encoders), assembled here
// from those modules as kafkajs' produce request did before the patch.
const require = createRequire(import.meta.url);

interface Encoder {
  writeInt16(v: number): Encoder;
  writeInt32(v: number): Encoder;
  writeString(v: string | null): Encoder;
  writeArray(v: Encoder[]): Encoder;
  writeEncoder(v: Encoder): Encoder;
  size(): number;
  readonly buffer: Buffer;
}
type Headers = Record<string, string | Buffer | (string | Buffer)[]>;
interface Message {
  key?: string | Buffer | null;
  value: string | Buffer | Uint8Array | null;
  headers?: Headers;
  timestamp?: string | number;
}
interface PartitionData {
  partition: number;
  firstSequence?: number;
  messages: Message[];
}
interface TopicData {
  topic: string;
  partitions: PartitionData[];
}
interface LongLike {
  toString(): string;
}

const EncoderClass = require('kafkajs/src/protocol/encoder') as new () => Encoder;
const Record = require('kafkajs/src/protocol/recordBatch/record/v0') as (r: unknown) => Encoder;
const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0') as { RecordBatch: (b: unknown) => Promise<Encoder> };
const Long = require('kafkajs/src/utils/long') as { fromValue(v: number | string): LongLike };
const produceV3 = require('kafkajs/src/protocol/requests/produce/v3/request') as (r: unknown) => { encode(): Promise<Encoder> };

interface RequestOptions {
  transactionalId?: string | null;
  producerId?: LongLike;
  producerEpoch?: number;
  topicData: TopicData[];
}

/** The request as kafkajs' layers build it: a Record encoder per message, RecordBatch, partition, topic, request. */
async function layeredRequest({ transactionalId = null, producerId = Long.fromValue(-1), producerEpoch = 0, topicData }: RequestOptions, dateNow: number): Promise<Buffer> {
  const topics: Encoder[] = [];
  for (const { topic, partitions } of topicData) {
    const encodedPartitions: Encoder[] = [];
    for (const { partition, firstSequence, messages } of partitions) {
      const stamps = messages.filter((m) => m.timestamp != null).map((m) => Number(m.timestamp));
      const firstTimestamp = stamps.length === 0 ? dateNow : Math.min(...stamps);
      const maxTimestamp = stamps.length === 0 ? dateNow : Math.max(...stamps);
      const records = messages.map((m, i) =>
        Record({ key: m.key, value: m.value, headers: m.headers, offsetDelta: i, timestampDelta: (Number(m.timestamp) || dateNow) - firstTimestamp }),
      );
      const batch = await RecordBatch({
        compression: 0,
        records,
        firstTimestamp,
        maxTimestamp,
        producerId,
        producerEpoch,
        firstSequence,
        transactional: !!transactionalId,
        lastOffsetDelta: records.length - 1,
      });
      encodedPartitions.push(new EncoderClass().writeInt32(partition).writeInt32(batch.size()).writeEncoder(batch));
    }
    topics.push(new EncoderClass().writeString(topic).writeArray(encodedPartitions));
  }
  return new EncoderClass().writeString(transactionalId).writeInt16(-1).writeInt32(30_000).writeArray(topics).buffer;
}

async function installedRequest(options: RequestOptions): Promise<Buffer> {
  return (await produceV3({ acks: -1, timeout: 30_000, compression: 0, ...options }).encode()).buffer;
}

/** Seeded generator of messages covering every kind of key, value, header and timestamp the encoder takes. */
function messages(seed: number, n: number): Message[] {
  const next = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)];
  const text = (): string => {
    const len = pick([0, 1, 5, 64, 65, 300]);
    const alphabet = pick(['ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789', 'aé€\u0000"\\', '😀x', '\ud800y']);
    let s = '';
    while (s.length < len) s += alphabet[Math.floor(next() * alphabet.length)];
    return s;
  };
  const bytes = (): Buffer => Buffer.from(Array.from({ length: pick([0, 1, 20, 240, 5000]) }, () => Math.floor(next() * 256)));
  const field = (): string | Buffer | null | undefined => pick([() => null, () => undefined, text, bytes, text, bytes])();
  const out: Message[] = [];
  for (let i = 0; i < n; i++) {
    const m: Message = { key: field(), value: field() ?? null };
    const h = next();
    if (h < 0.1) m.headers = {};
    else if (h < 0.2) m.headers = { source: text(), trace: [bytes(), text()] };
    const t = next();
    if (t < 0.3) m.timestamp = 1_764_000_000_000 + Math.floor(next() * 100_000);
    else if (t < 0.5) m.timestamp = String(1_764_000_000_000 + Math.floor(next() * 100_000));
    else if (t < 0.52) m.timestamp = 1_000; // a delta past int32 from the others: a varlong
    out.push(m);
  }
  return out;
}

describe('kafkajs as patched: uncompressed produce requests written in one pass', () => {
  afterEach(() => vi.restoreAllMocks());

  it('holds the bytes of the layered encoders for seeded messages of every kind', async () => {
    vi.spyOn(Date, 'now').mockReturnValue(1_764_000_050_000);
    for (let seed = 1; seed <= 40; seed++) {
      const topicData: TopicData[] = [
        { topic: 'predictions', partitions: [{ partition: 0, firstSequence: seed, messages: messages(seed, 1 + (seed % 7) * 13) }, { partition: 3, messages: messages(seed + 1000, 5) }] },
        { topic: 'dead-letters', partitions: [{ partition: 1, firstSequence: 0, messages: messages(seed + 2000, seed % 3) }] },
      ];
      const options: RequestOptions = seed % 2 === 0 ? { topicData } : { topicData, transactionalId: 'tx-1', producerId: Long.fromValue(4242), producerEpoch: 3 };
      const expected = await layeredRequest(options, 1_764_000_050_000);
      expect((await installedRequest(options)).equals(expected), `seed ${seed}`).toBe(true);
    }
  });

  it('holds the bytes of the layered encoders for a request of predictions as the pipeline sends them', async () => {
    // Keys as strings, values as views of one shared buffer, no headers, no timestamps.
    vi.spyOn(Date, 'now').mockReturnValue(1_764_000_000_123);
    const shared = Buffer.alloc(2_000 * 240);
    for (let i = 0; i < shared.length; i++) shared[i] = 0x20 + (i % 90);
    const predictions = Array.from({ length: 2_000 }, (_, i) => ({ key: `SYM${i % 333}`, value: shared.subarray(i * 240, i * 240 + 200 + (i % 40)) }));
    const options: RequestOptions = { topicData: [{ topic: 'p', partitions: [{ partition: 2, firstSequence: 77, messages: predictions }] }] };
    expect((await installedRequest(options)).equals(await layeredRequest(options, 1_764_000_000_123))).toBe(true);
  });

  it('frames a request (size, api key and version, correlation id, client id) as the two layered encoders did', async () => {
    const frame = require('kafkajs/src/protocol/request') as (r: unknown) => Promise<Encoder>;
    const payloads = [Buffer.alloc(0), Buffer.from('x'), Buffer.alloc(70_000, 7)];
    for (const clientId of ['rnn-stream', null, 'clïent-€-𝄞', '']) {
      for (const bytes of payloads) {
        const encode = async (): Promise<Encoder> => new EncoderClass().writeArray([]).writeEncoder({ buf: bytes, buffer: bytes } as unknown as Encoder);
        const request = { apiKey: 0, apiVersion: 3, encode };
        const payload = await encode();
        const inner = new EncoderClass().writeInt16(0).writeInt16(3).writeInt32(12345).writeString(clientId).writeEncoder(payload);
        const expected = new EncoderClass().writeInt32(inner.size()).writeEncoder(inner).buffer;
        expect((await frame({ correlationId: 12345, clientId, request })).buffer.equals(expected), `${clientId} ${bytes.length}`).toBe(true);
      }
    }
  });

  it('hands a value that is neither a Buffer nor a string to the Record encoder, as before', async () => {
    vi.spyOn(Date, 'now').mockReturnValue(1_764_000_000_000);
    const options: RequestOptions = { topicData: [{ topic: 't', partitions: [{ partition: 0, messages: [{ key: 'k', value: new Uint8Array([1, 2, 3]) }, { key: 'a', value: 'b' }] }] }] };
    expect((await installedRequest(options)).equals(await layeredRequest(options, 1_764_000_000_000))).toBe(true);
  });
});
