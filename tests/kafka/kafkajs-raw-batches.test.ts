import { createRequire } from 'node:module';
import { CompressionTypes } from 'kafkajs';
import { afterEach, describe, expect, it } from 'vitest';
import { DecompressionLimitError } from '../../src/errors/index.js';
import { boundedGzipCodec } from '../../src/kafka/bounded-gzip-codec.js';
import { FetchedRecords, isRawBatch, type RawBatch } from '../../src/kafka/fetched-records.js';
import { gzipCodec, registerGzipCodec } from '../../src/kafka/kafkajs-codecs.js';

// Differential tests of the patch's raw record batches (recordBatch/v0/rawDecoder.js,
// consumer/rawBatch.js) against kafkajs' own decoding of the same bytes: its record-batch
// decoder, message Batch, aborted-transaction and control-record filtering.
const require = createRequire(import.meta.url);
const Decoder = require('kafkajs/src/protocol/decoder') as new (b: Buffer) => unknown;
const decodeMessages = require('kafkajs/src/protocol/requests/fetch/v4/decodeMessages') as (d: unknown, o?: { rawRecordBatches: boolean }) => Promise<unknown>;
const Batch = require('kafkajs/src/consumer/batch') as new (topic: string, fetchedOffset: string, data: unknown) => KafkajsBatch;
const RawBatchClass = require('kafkajs/src/consumer/rawBatch') as new (topic: string, fetchedOffset: string, data: unknown) => KafkajsBatch & RawBatch;
const Record = require('kafkajs/src/protocol/recordBatch/record/v0') as (r: WireRecord) => unknown;
const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0') as { RecordBatch: (b: Record<string, unknown>) => Promise<{ buffer: Buffer }> };
const Long = require('kafkajs/src/utils/long') as { fromValue(v: number | string): unknown };

interface WireRecord {
  key: Buffer | null;
  value: Buffer | null;
  headers?: Record<string, Buffer>;
  offsetDelta: number;
  timestampDelta: number;
}
interface KafkajsMessage {
  offset: string;
  timestamp: string;
  key: Buffer | null;
  value: Buffer | null;
  batchDecodeFailure?: unknown;
}
interface KafkajsBatch {
  messages: KafkajsMessage[];
  isEmpty(): boolean;
  isEmptyIncludingFiltered(): boolean;
  isEmptyDueToFiltering(): boolean;
  isEmptyControlRecord(): boolean;
  isEmptyDueToLogCompactedMessages(): boolean;
  firstOffset(): string | null;
  lastOffset(): string;
  offsetLag(): string;
  offsetLagLow(): string;
}

/** Attribute bits: timestamp type, transactional, control. */
const LOG_APPEND_TIME = 0x08;
const CONTROL = 0x20;
const ATTRIBUTES_AT = 8 + 4 + 4 + 1 + 4;

interface BatchSpec {
  firstOffset: number;
  records: WireRecord[];
  compression?: number;
  producerId?: number;
  transactional?: boolean;
  control?: boolean;
  logAppendTime?: boolean;
  firstTimestamp?: string;
  maxTimestamp?: string;
  /** Codec bits written over the attributes (for codecs kafkajs cannot write). */
  codecId?: number;
}

async function encode(spec: BatchSpec): Promise<Buffer> {
  const { buffer } = await RecordBatch({
    compression: spec.compression ?? CompressionTypes.None,
    firstOffset: Long.fromValue(spec.firstOffset),
    firstTimestamp: spec.firstTimestamp ?? '1764167400000',
    maxTimestamp: spec.maxTimestamp ?? '1764167409999',
    lastOffsetDelta: spec.records.at(-1)?.offsetDelta ?? 0,
    transactional: spec.transactional ?? false,
    producerId: Long.fromValue(spec.producerId ?? -1),
    records: spec.records.map((r) => Record(r)),
  });
  let attributes = buffer.readInt16BE(ATTRIBUTES_AT);
  if (spec.control) attributes |= CONTROL;
  if (spec.logAppendTime) attributes |= LOG_APPEND_TIME;
  if (spec.codecId !== undefined) attributes = (attributes & ~0x07) | spec.codecId;
  buffer.writeInt16BE(attributes, ATTRIBUTES_AT);
  return buffer;
}

/** A partition's record set (int32 size, then the batches), as in a fetch response. */
function recordSet(batches: readonly Buffer[]): Buffer {
  const body = Buffer.concat(batches);
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length);
  return Buffer.concat([size, body]);
}

interface Fetch {
  readonly set: Buffer;
  readonly abortedTransactions: readonly { producerId: string; firstOffset: string }[];
  readonly highWatermark: string;
}

async function batches(fetch: Fetch, fetchedOffset: string): Promise<{ kafkajs: KafkajsBatch; raw: KafkajsBatch & RawBatch }> {
  const data = { partition: 0, highWatermark: fetch.highWatermark, abortedTransactions: fetch.abortedTransactions };
  const messages = await decodeMessages(new Decoder(fetch.set));
  const raw = await decodeMessages(new Decoder(fetch.set), { rawRecordBatches: true });
  return { kafkajs: new Batch('t', fetchedOffset, { ...data, messages }), raw: new RawBatchClass('t', fetchedOffset, { ...data, messages: raw }) };
}

const hex = (b: Buffer | null): string | null => (b === null ? null : b.toString('hex'));
const ofMessage = (m: KafkajsMessage) => ({ offset: m.offset, timestamp: m.timestamp, key: hex(m.key), value: hex(m.value), failed: m.batchDecodeFailure !== undefined });

function ofRecords(records: FetchedRecords) {
  const out: ReturnType<typeof ofMessage>[] = [];
  while (records.next()) {
    out.push({ offset: String(records.offset), timestamp: records.timestampText(), key: hex(records.key()), value: hex(records.value()), failed: records.decodeFailure() !== null });
    // In place: the layout's ranges are those of the views.
    if (records.valueLength >= 0) expect(records.bytes.subarray(records.valueStart, records.valueStart + records.valueLength).equals(records.value()!)).toBe(true);
  }
  return out;
}

const methods = (b: KafkajsBatch) => ({
  isEmpty: b.isEmpty(),
  isEmptyIncludingFiltered: b.isEmptyIncludingFiltered(),
  isEmptyDueToFiltering: b.isEmptyDueToFiltering(),
  isEmptyControlRecord: b.isEmptyControlRecord(),
  isEmptyDueToLogCompactedMessages: b.isEmptyDueToLogCompactedMessages(),
  firstOffset: b.firstOffset(),
  lastOffset: b.lastOffset(),
  offsetLag: b.offsetLag(),
  offsetLagLow: b.offsetLagLow(),
});

/** Checks the raw batch against kafkajs' for the fetch at `fetchedOffset`: records, methods, and windows of offsets. */
async function expectSameAsKafkajs(fetch: Fetch, fetchedOffset: string, what: string, windows = true): Promise<number> {
  const { kafkajs, raw } = await batches(fetch, fetchedOffset);
  expect(isRawBatch(raw), what).toBe(true);
  const expected = kafkajs.messages.map(ofMessage);
  const records = new FetchedRecords();
  expect(ofRecords(records.reset(raw, 0, Number.MAX_SAFE_INTEGER)), what).toEqual(expected);
  expect(raw.recordCount, what).toBe(expected.length);
  expect(methods(raw), what).toEqual(methods(kafkajs));
  if (!windows) return expected.length;
  // Windows [from, to) of offsets, as the range reader asks for them.
  const offsets = expected.map((m) => Number(m.offset));
  const bounds = [...new Set([0, ...offsets, ...offsets.map((o) => o + 1), offsets.length > 0 ? offsets[offsets.length >> 1] : 0])];
  for (const from of bounds.slice(0, 12)) {
    for (const to of bounds.slice(-12).filter((t) => t >= from)) {
      const inWindow = expected.filter((m) => Number(m.offset) >= from && Number(m.offset) < to);
      records.reset(raw, from, to);
      expect({ count: records.count, last: records.lastOffset, beyond: records.reachesEnd }, `${what} [${from}, ${to})`).toEqual({
        count: inWindow.length,
        last: inWindow.length > 0 ? Number(inWindow.at(-1)!.offset) : -1,
        beyond: expected.some((m) => Number(m.offset) >= to),
      });
      expect(ofRecords(records), `${what} [${from}, ${to})`).toEqual(inWindow);
    }
  }
  return expected.length;
}

/** A seeded log of a partition: plain, gzip and transactional batches of several producers, commit and abort markers, offset gaps. */
async function randomLog(seed: number): Promise<Fetch & { offsets: number[] }> {
  let s = seed;
  const next = (): number => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const specs: BatchSpec[] = [];
  const aborted: { producerId: string; firstOffset: string }[] = [];
  const open = new Map<number, number>();
  let offset = Math.floor(next() * 1000);
  for (let b = 0; b < 14; b++) {
    const producer = 1 + Math.floor(next() * 3);
    const kind = next();
    if (kind < 0.15 && open.has(producer)) {
      const abort = next() < 0.5;
      // A control record's key: version 0, type 0 (abort) or 1 (commit).
      specs.push({ firstOffset: offset, producerId: producer, transactional: true, control: true, records: [{ key: Buffer.from([0, 0, 0, abort ? 0 : 1]), value: Buffer.from([0, 0, 0, 0, 0, 0]), offsetDelta: 0, timestampDelta: 0 }] });
      if (abort) aborted.push({ producerId: String(producer), firstOffset: String(open.get(producer)) });
      open.delete(producer);
      offset += 1;
      continue;
    }
    const transactional = kind < 0.5;
    if (transactional && !open.has(producer)) open.set(producer, offset);
    const n = 1 + Math.floor(next() * 6);
    const records: WireRecord[] = [];
    let delta = 0;
    for (let i = 0; i < n; i++) {
      const big = next() < 0.1;
      records.push({
        key: next() < 0.15 ? null : Buffer.from(`k${b}-${i}`.repeat(1 + Math.floor(next() * 3))),
        value: next() < 0.1 ? null : Buffer.from(JSON.stringify({ symbol: `S${i}`, ts: b * 100 + i, price: 1 + i })),
        headers: next() < 0.2 ? { h: Buffer.from('x'), g: Buffer.from('yy') } : undefined,
        offsetDelta: delta,
        timestampDelta: big ? Math.floor(next() * 2 ** 40) - 2 ** 39 : Math.floor(next() * 5000),
      });
      // Gaps, as compaction leaves them.
      delta += next() < 0.2 ? 2 : 1;
    }
    const firstTimestamp = next() < 0.1 ? String(2n ** 60n + BigInt(b)) : String(1764167400000 + b * 10_000);
    specs.push({
      firstOffset: offset,
      records,
      producerId: transactional ? producer : -1,
      transactional,
      compression: next() < 0.3 ? CompressionTypes.GZIP : CompressionTypes.None,
      logAppendTime: next() < 0.1,
      firstTimestamp,
    });
    offset += records.at(-1)!.offsetDelta + 1;
  }
  // The broker lists aborted transactions in the order of their abort markers.
  const encoded = await Promise.all(specs.map(encode));
  const all: number[] = [];
  for (const spec of specs) for (const r of spec.records) all.push(spec.firstOffset + r.offsetDelta);
  return { set: recordSet(encoded), abortedTransactions: aborted, highWatermark: String(offset), offsets: all };
}

describe('kafkajs as patched: raw record batches', () => {
  const originalGzip = gzipCodec();
  afterEach(() => registerGzipCodec(originalGzip));

  it('keeps the records, offsets, timestamps, keys and values kafkajs keeps, for every fetched offset of seeded logs', async () => {
    let compared = 0;
    let dropped = 0;
    for (let seed = 1; seed <= 12; seed++) {
      const log = await randomLog(seed);
      for (const fetched of [0, ...log.offsets, log.offsets.at(-1)! + 1]) {
        const kept = await expectSameAsKafkajs(log, String(fetched), `seed ${seed} fetched ${fetched}`, fetched === 0);
        compared += kept;
        if (fetched === 0) dropped += log.offsets.length - kept;
      }
    }
    // The logs did hold records of aborted transactions and control records to leave out.
    expect(dropped).toBeGreaterThan(10);
    expect(compared).toBeGreaterThan(1000);
  });

  it('reads the same with and without aborted transactions listed', async () => {
    const log = await randomLog(99);
    await expectSameAsKafkajs({ ...log, abortedTransactions: [] }, '0', 'none listed');
  });

  it('turns an unreadable batch into the stand-in record kafkajs gives, at the batch last offset', async () => {
    registerGzipCodec(boundedGzipCodec(1 << 16));
    const records = (n: number, bytes: number) => Array.from({ length: n }, (_, i) => ({ key: Buffer.from(`k${i}`), value: Buffer.alloc(bytes, 1), offsetDelta: i, timestampDelta: i }));
    const set = recordSet([
      await encode({ firstOffset: 10, records: records(3, 10) }),
      await encode({ firstOffset: 13, records: records(8, 1 << 14), compression: CompressionTypes.GZIP }),
      await encode({ firstOffset: 21, records: records(4, 10), codecId: CompressionTypes.ZSTD }),
      await encode({ firstOffset: 25, records: records(2, 10) }),
    ]);
    const fetch = { set, abortedTransactions: [], highWatermark: '27' };
    expect(await expectSameAsKafkajs(fetch, '10', 'unreadable')).toBe(3 + 1 + 1 + 2);
    const { raw } = await batches(fetch, '10');
    const cursor = new FetchedRecords().reset(raw, 0, 100);
    const failures: unknown[] = [];
    while (cursor.next()) if (cursor.decodeFailure() !== null) failures.push({ offset: cursor.offset, key: cursor.key(), value: cursor.value(), failure: cursor.decodeFailure() });
    expect(failures).toMatchObject([
      { offset: 20, key: null, value: null, failure: { firstOffset: '13' } },
      { offset: 24, key: null, value: null, failure: { firstOffset: '21' } },
    ]);
    expect((failures[0] as { failure: { error: Error } }).failure.error).toBeInstanceOf(DecompressionLimitError);
  });

  it('turns a compressed batch whose records are corrupt into the stand-in record kafkajs gives', async () => {
    registerGzipCodec({ compress: async (encoder) => encoder.buffer, decompress: async () => Buffer.from([0x7f]) });
    const set = recordSet([await encode({ firstOffset: 0, records: [0, 1].map((i) => ({ key: null, value: Buffer.from('v'), offsetDelta: i, timestampDelta: 0 })), compression: CompressionTypes.GZIP })]);
    expect(await expectSameAsKafkajs({ set, abortedTransactions: [], highWatermark: '2' }, '0', 'corrupt')).toBe(1);
  });

  it('stops at a batch cut short by the fetch size, as kafkajs does', async () => {
    const whole = recordSet([
      await encode({ firstOffset: 0, records: [{ key: null, value: Buffer.from('a'), offsetDelta: 0, timestampDelta: 0 }] }),
      await encode({ firstOffset: 1, records: [{ key: null, value: Buffer.alloc(500, 2), offsetDelta: 0, timestampDelta: 0 }] }),
    ]);
    const cut = Buffer.from(whole.subarray(0, whole.length - 100));
    cut.writeInt32BE(cut.length - 4);
    expect(await expectSameAsKafkajs({ set: cut, abortedTransactions: [], highWatermark: '2' }, '0', 'cut')).toBe(1);
  });

  it('refuses a consumer of raw record batches without eachBatch', async () => {
    const { Kafka, logLevel } = await import('kafkajs');
    const consumer = new Kafka({ brokers: ['127.0.0.1:1'], logLevel: logLevel.NOTHING }).consumer({ groupId: 'g', rawRecordBatches: true } as never);
    await expect(consumer.run({ eachMessage: async () => undefined })).rejects.toThrow(/rawRecordBatches runs eachBatch/);
  });
});
