/**
 * Reads a JSONL file of input events for training as a stream, line by line: the same decoding
 * and validation as the `backtest` command (decodeEvent with the default limits), so both see
 * the same valid events in the same order. No whole-file string is ever built: memory grows
 * with the events kept (EventSet's columns), not with the size of the file.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { DatasetError } from '../errors/index.js';
import { DEFAULT_DECODE_LIMITS } from '../events/decode-event.js';
import type { EventKind } from '../events/model-event.js';
import { EventSetBuilder, type EventSet, type OnRejected } from './event-set.js';

/** Progress of a read: bytes so far of the file's size. */
export type OnFileProgress = (bytesRead: number, totalBytes: number) => void;

/**
 * Reads `path` as events of `kind` (from the target). Invalid lines are passed to `onRejected`
 * (position = 1-based line) and counted. Throws DatasetError when the file cannot be read or
 * holds no valid event (the message gives the rejection counts by reason).
 */
export async function readEventFile(path: string, kind: EventKind, onRejected?: OnRejected, onProgress?: OnFileProgress): Promise<EventSet> {
  let size: number;
  try {
    const info = await stat(path);
    if (info.isDirectory()) throw new Error('it is a directory');
    size = info.size;
  } catch (cause) {
    throw new DatasetError('cannot read the input file', { file: path }, { cause });
  }
  const builder = new EventSetBuilder(kind, DEFAULT_DECODE_LIMITS, onRejected);
  const hash = createHash('sha256');
  const input = createReadStream(path, { highWaterMark: 1 << 20 });
  let bytes = 0;
  let readError: Error | undefined;
  // The hash sees the raw bytes; readline decodes them as UTF-8 (split multi-byte characters included).
  input.on('data', (chunk: Buffer | string) => {
    hash.update(chunk);
    bytes += chunk.length;
  });
  input.on('error', (err) => (readError ??= err));
  const lines = createInterface({ input, crlfDelay: Infinity });
  let line = 0;
  let reported = 0;
  try {
    for await (const raw of lines) {
      line++;
      // A leading UTF-8 byte-order mark (as some editors write) is not part of the first event.
      const text = line === 1 && raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
      if (text.trim() === '') continue;
      builder.add(text, undefined, { partition: -1, pos: line });
      if (onProgress && bytes - reported >= 1 << 24) {
        reported = bytes;
        onProgress(bytes, size);
      }
    }
  } catch (cause) {
    throw new DatasetError('cannot read the input file', { file: path }, { cause: readError ?? cause });
  } finally {
    input.destroy();
  }
  if (readError) throw new DatasetError('cannot read the input file', { file: path }, { cause: readError });
  onProgress?.(bytes, size);
  return builder.finish(path, { input: path }, hash.digest('hex'));
}
