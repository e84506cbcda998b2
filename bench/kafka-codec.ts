/**
 * CPU per record of kafkajs' wire encoding and decoding as the pipeline drives them, the installed
 * (patched) paths against the layered ones they replace, in one process, alternating over rounds:
 * - produce: an uncompressed produce request of `--records` predictions (string keys of 333
 *   symbols, ~250-byte values as views of one buffer, no headers): the installed one-pass request
 *   vs one Record encoder per message, RecordBatch, then partition, topic and request encoders
 *   (what the request did before patches/kafkajs+2.2.4.patch wrote it in one pass);
 * - fetch: a record batch of `--records` ticks (~66-byte JSON values): the installed decoder vs a
 *   view and a decoder per record (as published), and the raw record batch of a consumer with
 *   `rawRecordBatches` (the replay's reader: no message object per record), walked record by record.
 * Usage: tsx bench/kafka-codec.ts [--records N] [--rounds N] [--ms N]
 */
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';

const require = createRequire(import.meta.url);
const { values: opts } = parseArgs({ options: { records: { type: 'string', default: '1750' }, rounds: { type: 'string', default: '5' }, ms: { type: 'string', default: '1500' } } });
const N = Number(opts.records);

interface Encoder {
  writeInt16(v: number): Encoder;
  writeInt32(v: number): Encoder;
  writeString(v: string | null): Encoder;
  writeArray(v: Encoder[]): Encoder;
  writeEncoder(v: Encoder): Encoder;
  size(): number;
  readonly buffer: Buffer;
}
const EncoderClass = require('kafkajs/src/protocol/encoder') as new () => Encoder;
const Record = require('kafkajs/src/protocol/recordBatch/record/v0') as (r: unknown) => Encoder;
const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0') as { RecordBatch: (b: unknown) => Promise<Encoder> };
const Long = require('kafkajs/src/utils/long') as { fromValue(v: number): unknown };
const produceV3 = require('kafkajs/src/protocol/requests/produce/v3/request') as (r: unknown) => { encode(): Promise<Encoder> };
const frame = require('kafkajs/src/protocol/request') as (r: unknown) => Promise<Encoder>;
const Decoder = require('kafkajs/src/protocol/decoder') as new (b: Buffer) => { readVarIntBytes(): Buffer; readInt32(): number; offset: number };
const batchDecoder = require('kafkajs/src/protocol/recordBatch/v0/decoder') as (d: unknown) => Promise<{ records: unknown[] }>;
const recordDecoder = require('kafkajs/src/protocol/recordBatch/record/v0/decoder') as (d: unknown, ctx: unknown) => unknown;
const rawBatchDecoder = require('kafkajs/src/protocol/recordBatch/v0/rawDecoder') as (d: unknown) => Promise<{ count: number; layout: Int32Array }>;

// Produce: predictions as the pipeline hands them to kafkajs.
const shared = Buffer.alloc(N * 256, 0x61);
const predictions = Array.from({ length: N }, (_, i) => ({ key: `SYM${String(i % 333).padStart(3, '0')}`, value: shared.subarray(i * 256, i * 256 + 240 + (i % 16)) }));
const topicData = [{ topic: 'bench-predictions', partitions: [{ partition: 1, firstSequence: 7, messages: predictions }] }];

async function installedRequest(): Promise<number> {
  const request = produceV3({ acks: -1, timeout: 30_000, compression: 0, topicData });
  return (await frame({ correlationId: 1, clientId: 'rnn-stream', request })).buffer.length;
}

async function layeredRequest(): Promise<number> {
  const dateNow = Date.now();
  const records = predictions.map((m, i) => Record({ key: m.key, value: m.value, offsetDelta: i, timestampDelta: 0 }));
  const batch = await RecordBatch({ compression: 0, records, firstTimestamp: dateNow, maxTimestamp: dateNow, producerId: Long.fromValue(-1), producerEpoch: 0, firstSequence: 7, lastOffsetDelta: N - 1 });
  const partition = new EncoderClass().writeInt32(1).writeInt32(batch.size()).writeEncoder(batch);
  const topic = new EncoderClass().writeString('bench-predictions').writeArray([partition]);
  const payload = new EncoderClass().writeString(null).writeInt16(-1).writeInt32(30_000).writeArray([topic]);
  const inner = new EncoderClass().writeInt16(0).writeInt16(3).writeInt32(1).writeString('rnn-stream').writeEncoder(payload);
  return new EncoderClass().writeInt32(inner.size()).writeEncoder(inner).buffer.length;
}

// Fetch: a record batch of ticks as the broker sends it.
const ticks = Array.from({ length: N }, (_, i) =>
  Record({ key: Buffer.from(`SYM${i % 333}`), value: Buffer.from(`{"symbol":"SYM${i % 333}","ts":${1764167400123 + i},"price":189.23,"volume":1200}`), offsetDelta: i, timestampDelta: i }),
);
const fetched = (await RecordBatch({ compression: 0, firstOffset: Long.fromValue(123_456), lastOffsetDelta: N - 1, records: ticks, firstTimestamp: 1764167400000, maxTimestamp: 1764167400000 + N })).buffer;
/** Bytes of a record batch before its records: offset, length, epoch, magic, crc, attributes ... record count. */
const HEAD = 61;
const context = ((await batchDecoder(new Decoder(fetched))).records[0] as { batchContext: unknown }).batchContext;

async function installedDecode(): Promise<number> {
  return (await batchDecoder(new Decoder(fetched))).records.length;
}

async function viewPerRecordDecode(): Promise<number> {
  const outer = new Decoder(fetched.subarray(HEAD));
  const records = new Array<unknown>(N);
  for (let i = 0; i < N; i++) records[i] = recordDecoder(new Decoder(outer.readVarIntBytes()), context);
  return records.length;
}

async function rawDecode(): Promise<number> {
  const { count, layout } = await rawBatchDecoder(new Decoder(fetched));
  // What a reader of the records touches: each record's offset delta and value position.
  let sum = 0;
  for (let i = 0; i < count; i++) sum += layout[i * 5] + layout[i * 5 + 4];
  return sum > 0 ? count : 0;
}

/** CPU µs per record of `fn` (one call = N records), run for about `ms` after a warm-up. */
async function measure(fn: () => Promise<number>, ms: number): Promise<number> {
  for (let i = 0; i < 50; i++) await fn();
  const start = performance.now();
  const cpu = process.cpuUsage();
  let calls = 0;
  while (performance.now() - start < ms) {
    await fn();
    calls++;
  }
  const used = process.cpuUsage(cpu);
  return (used.user + used.system) / (calls * N);
}

const contenders: [string, string, () => Promise<number>][] = [
  ['produce', 'installed (one pass)', installedRequest],
  ['produce', 'layered encoders', layeredRequest],
  ['fetch', 'installed (in place)', installedDecode],
  ['fetch', 'view + decoder per record', viewPerRecordDecode],
  ['fetch', 'raw record batch', rawDecode],
];
const results = new Map<string, number[]>(contenders.map(([side, name]) => [`${side}: ${name}`, []]));
for (let round = 0; round < Number(opts.rounds); round++) {
  const order = round % 2 === 0 ? contenders : [...contenders].reverse();
  for (const [side, name, fn] of order) results.get(`${side}: ${name}`)!.push(await measure(fn, Number(opts.ms)));
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
process.stdout.write(`kafkajs wire codec, ${N} records per request/batch, ${opts.rounds} rounds (CPU µs per record, median (min-max)):\n`);
for (const [name, xs] of results) process.stdout.write(`  ${name.padEnd(40)} ${median(xs).toFixed(3)} (${Math.min(...xs).toFixed(3)}-${Math.max(...xs).toFixed(3)})\n`);
for (const side of ['produce', 'fetch']) {
  const [a, b] = contenders.filter(([s]) => s === side).map(([s, n]) => median(results.get(`${s}: ${n}`)!));
  process.stdout.write(`  ${side}: installed / replaced ${(a / b).toFixed(2)}\n`);
}
process.stdout.write(`  fetch: raw record batch / installed ${(median(results.get('fetch: raw record batch')!) / median(results.get('fetch: installed (in place)')!)).toFixed(2)}\n`);
