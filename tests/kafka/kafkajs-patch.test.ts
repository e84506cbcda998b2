import { createRequire } from 'node:module';
import { CompressionTypes } from 'kafkajs';
import { afterEach, describe, expect, it } from 'vitest';
import { DecompressionLimitError } from '../../src/errors/index.js';
import { boundedGzipCodec } from '../../src/kafka/bounded-gzip-codec.js';
import { gzipCodec, registerGzipCodec } from '../../src/kafka/kafkajs-codecs.js';
import { assertKafkajsPatched } from '../../src/kafka/kafkajs-patch.js';
import { streamMessages } from '../../src/kafka/stream-messages.js';
import { decodeBatch, encodeBatch, readVarLong, roundTripRecord, varLongBytes } from './kafkajs-wire.js';

// Regression tests of patches/kafkajs+2.2.4.patch: each fails on kafkajs 2.2.4 as published.
describe('kafkajs as patched: record headers', () => {
  it('decodes 10,000 distinct headers, each to its own value', () => {
    const headers: Record<string, Buffer> = {};
    for (let i = 0; i < 10_000; i++) headers[`h${i}`] = Buffer.from(String(i * 7));
    const record = roundTripRecord({ key: Buffer.from('k'), value: Buffer.from('v'), headers });
    expect(Object.keys(record.headers)).toHaveLength(10_000);
    for (let i = 0; i < 10_000; i += 997) expect(String(record.headers[`h${i}`])).toBe(String(i * 7));
  });

  it('collects a repeated header key into an array in record order', () => {
    const values = Array.from({ length: 5_000 }, (_, i) => Buffer.from(`v${i}`));
    const record = roundTripRecord({ key: null, value: null, headers: { trace: values, one: Buffer.from('x') } });
    expect((record.headers.trace as Buffer[]).map(String)).toEqual(values.map(String));
    expect(String(record.headers.one)).toBe('x');
  });

  it('keeps headers named like Object.prototype members as plain own headers', () => {
    // Published kafkajs turns "constructor" into [Object, value]: it tests obj[key] === undefined.
    const record = roundTripRecord({
      key: null,
      value: null,
      headers: { constructor: Buffer.from('c'), toString: Buffer.from('t'), ['__proto__']: Buffer.from('p') },
    });
    expect(Object.getPrototypeOf(record.headers)).toBe(Object.prototype);
    expect(Object.keys(record.headers).sort()).toEqual(['__proto__', 'constructor', 'toString']);
    expect(String(record.headers.constructor)).toBe('c');
    expect(String(record.headers.toString)).toBe('t');
    expect(String(Object.getOwnPropertyDescriptor(record.headers, '__proto__')?.value)).toBe('p');
  });
});

describe('kafkajs as patched: unreadable record batches', () => {
  const originalGzip = gzipCodec();
  afterEach(() => registerGzipCodec(originalGzip));
  const records = (n: number, bytes: number) => Array.from({ length: n }, (_, i) => ({ key: Buffer.from(`k${i}`), value: Buffer.alloc(bytes) }));

  it('turns a gzip batch over the decompression limit into one stand-in record at the last offset', async () => {
    registerGzipCodec(boundedGzipCodec(1 << 20));
    const bomb = await encodeBatch(records(8, 1 << 20), 500, CompressionTypes.GZIP);
    expect(bomb.length).toBeLessThan(64 * 1024);
    const decoded = await decodeBatch(bomb);
    expect(decoded).toHaveLength(1);
    expect(decoded[0]).toMatchObject({ offset: '507', key: null, value: null, headers: {} });
    expect(decoded[0].batchDecodeFailure?.firstOffset).toBe('500');
    expect(decoded[0].batchDecodeFailure?.error).toBeInstanceOf(DecompressionLimitError);
    const [message] = streamMessages(decoded as never);
    expect(message.unreadableBatch).toMatchObject({ reason: 'decompression_limit', firstOffset: '500' });
    expect(message.unreadableBatch?.detail).toContain('kafka.maxDecompressedBatchBytes');
  });

  it('reads a gzip batch under the limit as usual', async () => {
    registerGzipCodec(boundedGzipCodec(1 << 20));
    const decoded = await decodeBatch(await encodeBatch(records(3, 1000), 10, CompressionTypes.GZIP));
    expect(decoded.map((r) => r.offset)).toEqual(['10', '11', '12']);
    expect(decoded.every((r) => r.batchDecodeFailure === undefined && r.value?.length === 1000)).toBe(true);
    expect(streamMessages(decoded as never)).toBe(decoded);
  });

  it('turns a batch of a codec kafkajs lacks (snappy, lz4, zstd) into a stand-in record', async () => {
    for (const codec of [CompressionTypes.Snappy, CompressionTypes.LZ4, CompressionTypes.ZSTD]) {
      const decoded = await decodeBatch(await encodeBatch(records(4, 10), 40, CompressionTypes.None, codec));
      expect(decoded).toHaveLength(1);
      expect(decoded[0].offset).toBe('43');
      expect(streamMessages(decoded as never)[0].unreadableBatch).toMatchObject({ reason: 'unsupported_compression', firstOffset: '40' });
    }
  });

  it('turns a compressed batch whose records are corrupt into a stand-in record', async () => {
    registerGzipCodec({ compress: async (encoder) => encoder.buffer, decompress: async () => Buffer.from([0x7f]) });
    const decoded = await decodeBatch(await encodeBatch(records(2, 10), 0, CompressionTypes.GZIP));
    expect(decoded).toHaveLength(1);
    expect(streamMessages(decoded as never)[0].unreadableBatch).toMatchObject({ reason: 'corrupt_batch', firstOffset: '0' });
  });

  it('is the kafkajs the service checks for at start', () => {
    expect(() => assertKafkajsPatched()).not.toThrow();
  });
});

describe('kafkajs as patched: produce request timestamps', () => {
  interface ProduceRequest { encode(): Promise<{ buffer: Buffer }> }
  const produceV3 = createRequire(import.meta.url)('kafkajs/src/protocol/requests/produce/v3/request') as (r: unknown) => ProduceRequest;

  /** The first and max timestamps of the one record batch of a one-topic, one-partition request, read by hand. */
  async function batchTimestamps(messages: readonly { value: string; timestamp?: string }[]): Promise<{ first: bigint; max: bigint }> {
    const request = produceV3({ acks: -1, timeout: 1000, topicData: [{ topic: 't', partitions: [{ partition: 0, firstSequence: 0, messages }] }] });
    const bytes = (await request.encode()).buffer;
    let at = 2 + 2 + 4 + 4; // transactional id (null: int16 -1), acks, timeout, topics array length
    at += 2 + bytes.readInt16BE(at) + 4; // topic name, partitions array length
    at += 4 + 4; // partition, record batch size
    at += 8 + 4 + 4 + 1 + 4 + 2 + 4; // first offset, length, leader epoch, magic, crc, attributes, last offset delta
    return { first: bytes.readBigInt64BE(at), max: bytes.readBigInt64BE(at + 8) };
  }

  it('takes the smallest timestamp as the first and the largest as the max, by number', async () => {
    // As published, the timestamps are sorted as strings: '1000' < '2000' < '999'.
    const stamps = await batchTimestamps([{ value: 'a', timestamp: '999' }, { value: 'b', timestamp: '1000' }, { value: 'c', timestamp: '2000' }, { value: 'd' }]);
    expect(stamps).toEqual({ first: 999n, max: 2000n });
  });

  it('uses the time of encoding when no message has a timestamp', async () => {
    const before = BigInt(Date.now());
    const stamps = await batchTimestamps([{ value: 'a' }, { value: 'b' }]);
    expect(stamps.first).toBe(stamps.max);
    expect(stamps.first >= before && stamps.first <= BigInt(Date.now())).toBe(true);
  });
});

describe('kafkajs as patched: read_committed filtering of aborted transactions', () => {
  interface Message { offset: string; key: Buffer | null; batchContext: { producerId: string; inTransaction: boolean } }
  const filterAborted = createRequire(import.meta.url)('kafkajs/src/consumer/filterAbortedMessages') as (
    arg: { messages: Message[]; abortedTransactions: { producerId: string; firstOffset: string }[] },
  ) => Message[];
  const ABORT = Buffer.from([0, 0, 0, 0]);
  const record = (offset: number, producerId: string): Message => ({ offset: String(offset), key: Buffer.from('k'), batchContext: { producerId, inTransaction: true } });
  const abortMarker = (offset: number, producerId: string): Message => ({ offset: String(offset), key: ABORT, batchContext: { producerId, inTransaction: true } });

  it('drops the records of interleaved aborted transactions of two producers, listed in abort-marker order', () => {
    // Producer 2 writes at 200, producer 3 at 201; both are aborted, 3's marker (202) before 2's
    // (203), and the broker lists them in that order. Then both produce again and commit.
    const messages = [record(200, '2'), record(201, '3'), abortMarker(202, '3'), abortMarker(203, '2'), record(204, '3'), record(205, '2')];
    const kept = filterAborted({ messages, abortedTransactions: [{ producerId: '3', firstOffset: '201' }, { producerId: '2', firstOffset: '200' }] });
    // As published, 200 (aborted) is kept and 205 (committed) dropped.
    expect(kept.filter((m) => !m.key?.equals(ABORT)).map((m) => m.offset)).toEqual(['204', '205']);
  });

  it('keeps everything outside the aborted transactions, including a producer\'s records after its marker', () => {
    const messages = [record(10, '7'), record(11, '8'), abortMarker(12, '7'), record(13, '7'), record(14, '8')];
    const kept = filterAborted({ messages, abortedTransactions: [{ producerId: '7', firstOffset: '10' }] });
    expect(kept.filter((m) => !m.key?.equals(ABORT)).map((m) => m.offset)).toEqual(['11', '13', '14']);
  });
});

/** The Kafka protocol's varlong (zigzag, then LEB128 in 7-bit groups), from its definition, in BigInt. */
function referenceVarLong(value: bigint): Buffer {
  let zigzag = BigInt.asUintN(64, (value << 1n) ^ (value >> 63n));
  const bytes: number[] = [];
  while (zigzag >= 0x80n) {
    bytes.push(Number(zigzag & 0x7fn) | 0x80);
    zigzag >>= 7n;
  }
  bytes.push(Number(zigzag));
  return Buffer.from(bytes);
}

describe('kafkajs as patched: varlongs and record coordinates without Long objects', () => {
  const values = (): number[] => {
    const out = [0, 1, -1, 63, 64, -64, -65, 2 ** 27 - 1, -(2 ** 27), 2 ** 27, -(2 ** 27) - 1, 2 ** 31 - 1, -(2 ** 31), 2 ** 31, -(2 ** 31) - 1];
    out.push(2 ** 32, 1_764_000_000_000, -1_764_000_000_000, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER);
    let seed = 11;
    for (let i = 0; i < 2_000; i++) {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      const magnitude = 2 ** (seed % 53);
      out.push(Math.round(((seed % 1000) / 500 - 1) * magnitude));
    }
    return out;
  };

  it('writes and sizes every varlong as the protocol defines it', () => {
    for (const value of values()) {
      const { bytes, size } = varLongBytes(value);
      expect(bytes.toString('hex'), String(value)).toBe(referenceVarLong(BigInt(value)).toString('hex'));
      expect(size, String(value)).toBe(bytes.length);
    }
  });

  it('reads every varlong back to its value, consuming exactly its bytes', () => {
    for (const value of values()) {
      const bytes = Buffer.concat([referenceVarLong(BigInt(value)), Buffer.from([0x55])]);
      expect(readVarLong(bytes), String(value)).toEqual({ value: String(value), read: bytes.length - 1 });
    }
  });

  it('gives each record its batch offset + delta and timestamp + delta, exact beyond 2^53', () => {
    const bases = ['0', '41', '1764000000000', '9007199254740990', '9223372036000000000', '-1'];
    for (const base of bases) {
      for (const delta of [0, 1, 77, 2 ** 27, 2 ** 31 - 1]) {
        for (const timestampDelta of [0, 5, -5, 2 ** 27 + 3, -(2 ** 31)]) {
          const record = roundTripRecord({ key: null, value: Buffer.from('v'), offsetDelta: delta, timestampDelta }, base, base);
          expect(record.offset, `${base} + ${delta}`).toBe(String(BigInt(base) + BigInt(delta)));
          expect(record.timestamp, `${base} + ${timestampDelta}`).toBe(String(BigInt(base) + BigInt(timestampDelta)));
        }
      }
    }
  });
});

describe('kafkajs as patched: record batch CRC-32C', () => {
  const crc32C = createRequire(import.meta.url)('kafkajs/src/protocol/recordBatch/crc32C/crc32C') as (bytes: Buffer) => number;

  /** CRC-32C from its definition: reflected polynomial 0x82F63B78, one bit at a time. */
  function bitwiseCrc32C(bytes: Buffer): number {
    let crc = 0xffffffff;
    for (const byte of bytes) {
      crc ^= byte;
      for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
    }
    return (crc ^ 0xffffffff) >>> 0;
  }

  it('gives the check value of "123456789" (0xE3069283)', () => {
    expect(crc32C(Buffer.from('123456789'))).toBe(0xe3069283);
  });

  it('equals the bitwise definition for every length from 0 to 64 and for 1 MiB', () => {
    let seed = 3;
    const bytes = Buffer.alloc((1 << 20) + 3);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 24;
    for (let n = 0; n <= 64; n++) expect(crc32C(bytes.subarray(5, 5 + n)), `length ${n}`).toBe(bitwiseCrc32C(bytes.subarray(5, 5 + n)));
    expect(crc32C(bytes)).toBe(bitwiseCrc32C(bytes));
  });
});

describe('kafkajs as patched: a fetched batch keeps the messages at or after the fetched offset', () => {
  const require = createRequire(import.meta.url);
  const Batch = require('kafkajs/src/consumer/batch') as new (topic: string, fetchedOffset: string, data: unknown) => { messages: { offset: string }[] };
  const Long = require('kafkajs/src/utils/long') as { fromValue(v: string): { gte(o: unknown): boolean } };

  it('keeps what comparing Long offsets keeps, for offsets short and long, below and beyond 2^53', () => {
    const offsets = ['0', '1', '9', '10', '99', '100', '123456789012345', '999999999999999', '1000000000000000', '9007199254740991', '9007199254740992', '9007199254740993', '9223372036854775807'];
    for (const fetched of offsets) {
      const messages = offsets.map((offset) => ({ offset, isControlRecord: false }));
      const batch = new Batch('t', fetched, { partition: 0, highWatermark: '10', abortedTransactions: [], messages });
      const expected = offsets.filter((o) => Long.fromValue(o).gte(Long.fromValue(fetched)));
      expect(batch.messages.map((m) => m.offset), `fetched ${fetched}`).toEqual(expected);
      // Independent of Long: by BigInt.
      expect(expected).toEqual(offsets.filter((o) => BigInt(o) >= BigInt(fetched)));
    }
  });
});

describe('kafkajs as patched: records read in place from the fetch response', () => {
  const require = createRequire(import.meta.url);
  const Decoder = require('kafkajs/src/protocol/decoder') as new (b: Buffer) => { readVarIntBytes(): Buffer | null };
  const recordDecoder = require('kafkajs/src/protocol/recordBatch/record/v0/decoder') as (d: unknown, ctx: unknown) => Record<string, unknown>;
  /** Bytes of a record batch before its first record: offset, length, epoch, magic, crc, attributes ... record count. */
  const HEAD = 8 + 4 + 4 + 1 + 4 + 2 + 4 + 8 + 8 + 8 + 2 + 4 + 4;

  /** The records as published kafkajs reads them: each from a view of its own bytes, with a decoder of its own. */
  function referenceRecords(batch: Buffer, count: number, ctx: unknown): Record<string, unknown>[] {
    const outer = new Decoder(batch.subarray(HEAD));
    const out: Record<string, unknown>[] = [];
    for (let i = 0; i < count; i++) out.push(recordDecoder(new Decoder(outer.readVarIntBytes()!), ctx));
    return out;
  }

  const fields = (r: Record<string, unknown>) => ({ ...r, batchContext: undefined });

  /** The records, or the error's name and message. */
  async function outcome(read: () => Promise<Record<string, unknown>[]> | Record<string, unknown>[]): Promise<unknown> {
    try {
      return (await read()).map(fields);
    } catch (error) {
      return `${(error as Error).name}: ${(error as Error).message}`;
    }
  }

  it('reads every record as a view and a decoder of its own would, for records of every shape', async () => {
    let seed = 5;
    const next = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const records = Array.from({ length: 300 }, (_, i) => ({
      key: next() < 0.2 ? null : Buffer.from(`k${i}`.repeat(1 + Math.floor(next() * 40))),
      value: next() < 0.1 ? null : Buffer.alloc(Math.floor(next() * 3000), i),
      headers: (next() < 0.3 ? { a: Buffer.from('x'), b: [Buffer.from('y'), Buffer.from('z'.repeat(200))] } : {}) as Record<string, Buffer | Buffer[]>,
      timestampDelta: Math.floor(next() * 2 ** 40) - 2 ** 39,
    }));
    const batch = await encodeBatch(records, 1234, 0);
    const ctx = (await decodeBatch(batch))[0] as unknown as { batchContext: unknown };
    const expected = await outcome(() => referenceRecords(batch, records.length, ctx.batchContext));
    expect(Array.isArray(expected)).toBe(true);
    expect(await outcome(async () => (await decodeBatch(batch)) as never)).toEqual(expected);
  });

  it('reads a record whose length is wrong, or whose bytes are corrupt, exactly as before', async () => {
    const records = Array.from({ length: 6 }, (_, i) => ({ key: Buffer.from(`key-${i}`), value: Buffer.from(`value-${i}`.repeat(3)), headers: {} }));
    const clean = await encodeBatch(records, 0, 0);
    const ctx = ((await decodeBatch(clean))[0] as unknown as { batchContext: unknown }).batchContext;
    const kinds = new Set<string>();
    const check = async (batch: Buffer, what: string): Promise<void> => {
      const expected = await outcome(() => referenceRecords(batch, records.length, ctx));
      expect(await outcome(async () => (await decodeBatch(batch)) as never), what).toEqual(expected);
      kinds.add(typeof expected === 'string' ? 'error' : 'records');
    };
    // Each record starts with its length as a one-byte zigzag varint (these are short).
    const starts: number[] = [];
    for (let at = HEAD, i = 0; i < records.length; i++, at += 1 + (clean[at] >> 1)) starts.push(at);
    for (const change of [-3, -1, 1, 2]) {
      for (const [which, at] of starts.entries()) {
        const batch = Buffer.from(clean);
        batch[at] = ((batch[at] >> 1) + change) << 1;
        await check(batch, `record ${which} length ${change}`);
      }
    }
    // Every byte of the second record replaced by a few values: negative and oversized lengths, header counts.
    for (let at = starts[1] + 1; at < starts[2]; at++) {
      for (const byte of [0x00, 0x01, 0x02, 0x7f, 0x80, 0xff]) {
        const batch = Buffer.from(clean);
        batch[at] = byte;
        await check(batch, `byte ${at} = ${byte}`);
      }
    }
    expect([...kinds].sort()).toEqual(['error', 'records']);
  });
});
