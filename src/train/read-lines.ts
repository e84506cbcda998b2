/**
 * Reads a training input file as a stream of lines (UTF-8, LF or CRLF), never as one string:
 * the raw bytes are hashed (SHA-256) as they pass, a leading UTF-8 byte-order mark is dropped,
 * and each line goes to `onLine` with its 1-based number (blank lines included).
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { DatasetError } from '../errors/index.js';

/** Progress of a read: bytes so far of the file's size. */
export type OnFileProgress = (bytesRead: number, totalBytes: number) => void;

/** What a read saw. */
export interface LinesRead {
  /** SHA-256 of the file's bytes, hex. */
  readonly sha256: string;
  readonly bytes: number;
  readonly lines: number;
}

/** Bytes between two progress reports. */
const PROGRESS_EVERY = 1 << 24;

/**
 * Calls `onLine(text, line)` for every line of `path`, in order. Throws DatasetError when the
 * file cannot be read (a directory, missing, an I/O error while reading); an error thrown by
 * `onLine` propagates unchanged.
 */
export async function readLines(path: string, onLine: (text: string, line: number) => void, onProgress?: OnFileProgress): Promise<LinesRead> {
  let size: number;
  try {
    const info = await stat(path);
    if (info.isDirectory()) throw new Error('it is a directory');
    size = info.size;
  } catch (cause) {
    throw new DatasetError('cannot read the input file', { file: path }, { cause });
  }
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
      // A leading UTF-8 byte-order mark (as some editors write) is not part of the first line.
      onLine(line === 1 && raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw, line);
      if (onProgress && bytes - reported >= PROGRESS_EVERY) {
        reported = bytes;
        onProgress(bytes, size);
      }
    }
  } catch (cause) {
    if (readError === undefined) throw cause;
    throw new DatasetError('cannot read the input file', { file: path }, { cause: readError });
  } finally {
    input.destroy();
  }
  if (readError) throw new DatasetError('cannot read the input file', { file: path }, { cause: readError });
  onProgress?.(bytes, size);
  return { sha256: hash.digest('hex'), bytes, lines: line };
}
