/**
 * kafkajs' protocol internals that the hostile-input benchmarks drive directly (kafkajs ships
 * them as CommonJS under src/, without types): the record encoder, the decoder classes, and the
 * installed record decoder (patched by patches/kafkajs+2.2.4.patch).
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** kafkajs' protocol Decoder (the methods the benchmarks use). */
export interface KafkajsDecoder {
  readVarIntBytes(): Buffer;
  readVarIntString(): string;
  readVarIntArray<T>(reader: (d: KafkajsDecoder) => T): T[];
  readInt8(): number;
  readVarLong(): { toString(): string };
  readVarInt(): number;
}

/** A record decoder: kafkajs' `recordBatch/record/v0/decoder`. */
export type RecordDecoderFn = (decoder: KafkajsDecoder, batchContext: Record<string, unknown>) => unknown;

const Decoder = require('kafkajs/src/protocol/decoder') as new (buffer: Buffer) => KafkajsDecoder;
const Record = require('kafkajs/src/protocol/recordBatch/record/v0') as (r: {
  key: Buffer;
  value: Buffer;
  headers: Record<string, Buffer | Buffer[]>;
}) => { buffer: Buffer };

/** kafkajs' header decoder (key string, value bytes). */
export const headerDecoder = require('kafkajs/src/protocol/recordBatch/header/v0/decoder') as (d: KafkajsDecoder) => {
  key: string;
  value: Buffer;
};

/** kafkajs' Long (int64) helper. */
export const Long = require('kafkajs/src/utils/long') as {
  fromValue(v: unknown): { add(o: unknown): { toString(): string } };
};

/** The record decoder as installed. */
export const installedRecordDecoder = require('kafkajs/src/protocol/recordBatch/record/v0/decoder') as RecordDecoderFn;

/** One record in kafkajs' wire encoding (length-prefixed). */
export function encodeRecord(r: { key: Buffer; value: Buffer; headers: Record<string, Buffer | Buffer[]> }): Buffer {
  return Record(r).buffer;
}

/** Decodes one length-prefixed record with `decode`, as kafkajs' record batch decoder does. */
export function recordDecoder(bytes: Buffer, decode: RecordDecoderFn): unknown {
  const inner = new Decoder(bytes).readVarIntBytes();
  return decode(new Decoder(inner), { firstOffset: '0', firstTimestamp: '0', magicByte: 2 });
}
