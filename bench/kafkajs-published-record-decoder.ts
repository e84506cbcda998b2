/**
 * kafkajs 2.2.4's record decoder as published (src/protocol/recordBatch/record/v0/decoder.js,
 * MIT licence), kept so that bench/hostile-headers.ts can compare the installed, patched decoder
 * with it in one process. Its header reduce copies the object (or array) built so far for every
 * header: quadratic copying, and slower still once the object has many properties.
 */
import { headerDecoder, Long, type KafkajsDecoder, type RecordDecoderFn } from './kafkajs-internals.js';

type Headers = Record<string, Buffer | Buffer[]>;

export const publishedRecordDecoder: RecordDecoderFn = (decoder: KafkajsDecoder, batchContext: Record<string, unknown>) => {
  const { firstOffset, firstTimestamp, magicByte } = batchContext;
  const attributes = decoder.readInt8();
  const timestampDelta = decoder.readVarLong();
  const timestamp = Long.fromValue(firstTimestamp).add(timestampDelta).toString();
  const offsetDelta = decoder.readVarInt();
  const offset = Long.fromValue(firstOffset).add(offsetDelta).toString();
  const key = decoder.readVarIntBytes();
  const value = decoder.readVarIntBytes();
  const headers = decoder.readVarIntArray(headerDecoder).reduce<Headers>(
    (obj, { key, value }) => ({
      ...obj,
      [key]: obj[key] === undefined ? value : Array.isArray(obj[key]) ? obj[key].concat([value]) : [obj[key], value],
    }),
    {},
  );
  return { magicByte, attributes, timestamp, offset, key, value, headers, isControlRecord: false, batchContext };
};
