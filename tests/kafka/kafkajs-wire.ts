/**
 * kafkajs' wire encoders and decoders (CommonJS internals under kafkajs/src, no types), for tests
 * that feed the installed (patched) record and record-batch decoders bytes the way a broker would.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

type Headers = Record<string, Buffer | Buffer[]>;
interface WireRecord {
  key: Buffer | null;
  value: Buffer | null;
  headers?: Headers;
  offsetDelta?: number;
  timestampDelta?: number;
}

const Decoder = require('kafkajs/src/protocol/decoder') as new (buffer: Buffer) => { readVarIntBytes(): Buffer };
const Record = require('kafkajs/src/protocol/recordBatch/record/v0') as (r: WireRecord) => unknown;
const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0') as {
  RecordBatch: (b: { compression: number; firstOffset: unknown; lastOffsetDelta: number; records: unknown[] }) => Promise<{ buffer: Buffer }>;
};
const Long = require('kafkajs/src/utils/long') as { fromValue(v: number): unknown };
const recordDecoder = require('kafkajs/src/protocol/recordBatch/record/v0/decoder') as (d: unknown, ctx: unknown) => DecodedRecord;
const recordBatchDecoder = require('kafkajs/src/protocol/recordBatch/v0/decoder') as (d: unknown) => Promise<{ records: DecodedRecord[] }>;

/** A record as kafkajs decodes it (plus the stand-in's failure, when the batch was unreadable). */
export interface DecodedRecord {
  readonly offset: string;
  readonly timestamp: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: Record<string, Buffer | Buffer[]>;
  readonly batchDecodeFailure?: { readonly firstOffset: string; readonly error: Error };
}

/**
 * Encodes one record and decodes it with the installed record decoder, in a batch whose first
 * offset and first timestamp are `firstOffset` and `firstTimestamp` (int64 decimal strings).
 */
export function roundTripRecord(record: WireRecord, firstOffset = '0', firstTimestamp = '0'): DecodedRecord {
  const bytes = (Record(record) as { buffer: Buffer }).buffer;
  const inner = new Decoder(bytes).readVarIntBytes();
  return recordDecoder(new Decoder(inner), { firstOffset, firstTimestamp, magicByte: 2 });
}

interface WireEncoder {
  writeVarLong(value: number): WireEncoder;
  writeVarInt(value: number): WireEncoder;
  readonly buffer: Buffer;
}
const Encoder = require('kafkajs/src/protocol/encoder') as { new (): WireEncoder; sizeOfVarLong(value: number): number };

/** kafkajs' varlong bytes of `value`, and the size kafkajs computes for them beforehand. */
export function varLongBytes(value: number): { bytes: Buffer; size: number } {
  return { bytes: new Encoder().writeVarLong(value).buffer, size: Encoder.sizeOfVarLong(value) };
}

/** Reads one varlong of `bytes` with the record decoder's reader: its value as a decimal string, and the bytes read. */
export function readVarLong(bytes: Buffer): { value: string; read: number } {
  const decoder = new Decoder(bytes) as unknown as { readVarLongNumberOrLong(): { toString(): string }; offset: number };
  return { value: String(decoder.readVarLongNumberOrLong()), read: decoder.offset };
}

/**
 * One record batch of `records` (offset deltas 0..n-1) starting at `firstOffset`, compressed with
 * kafkajs' codec of `compression` (0 none, 1 gzip); `codecId` then overwrites the codec bits of
 * the attributes, for codecs kafkajs cannot write (kafkajs does not check the CRC).
 */
export async function encodeBatch(records: readonly WireRecord[], firstOffset: number, compression: number, codecId = compression): Promise<Buffer> {
  const { buffer } = await RecordBatch({
    compression,
    firstOffset: Long.fromValue(firstOffset),
    lastOffsetDelta: records.length - 1,
    records: records.map((r, i) => Record({ ...r, offsetDelta: i })),
  });
  // firstOffset int64, length int32, leader epoch int32, magic int8, crc int32, then attributes int16.
  const attributesAt = 8 + 4 + 4 + 1 + 4;
  buffer.writeInt16BE((buffer.readInt16BE(attributesAt) & ~0x07) | codecId, attributesAt);
  return buffer;
}

/** Decodes one record batch with the installed record-batch decoder. */
export async function decodeBatch(bytes: Buffer): Promise<DecodedRecord[]> {
  return (await recordBatchDecoder(new Decoder(bytes))).records;
}
