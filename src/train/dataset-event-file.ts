/**
 * Reads a JSONL file of input events for training: the same decoding and validation as the
 * `backtest` command (validateEvent with the default limits), so both see the same valid events
 * in the same order. Invalid lines are reported with their line number and skipped.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { DatasetError } from '../errors/index.js';
import { DEFAULT_DECODE_LIMITS, decodeEvent } from '../events/decode-event.js';
import type { EventKind, ModelEvent } from '../events/model-event.js';
import type { RejectReason } from '../events/reject-reason.js';

/** One valid event with the line it came from and its raw `target` field (undefined when absent). */
export interface EventRecord {
  readonly event: ModelEvent;
  /** 1-based line number in the file. */
  readonly line: number;
  readonly target: unknown;
}

/** A line that was skipped, with the decoder's reason code and detail. */
export interface RejectedLine {
  readonly line: number;
  readonly reason: RejectReason;
  readonly detail: string;
}

/** The valid events of a file in file order, what was rejected, and the file's identity. */
export interface EventFile {
  readonly path: string;
  /** Hex SHA-256 of the file's bytes. */
  readonly sha256: string;
  readonly kind: EventKind;
  /** Features per vector event (from the first vector line); 0 for ticks. */
  readonly vectorSize: number;
  readonly records: readonly EventRecord[];
  readonly rejected: readonly RejectedLine[];
}

/**
 * Reads and decodes `path`. The event kind is that of the first line that is a JSON object
 * (`features` means vectors, of that many values; `price` means ticks). Throws DatasetError when
 * the file cannot be read or has no valid event.
 */
export async function readEventFile(path: string): Promise<EventFile> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (cause) {
    throw new DatasetError('cannot read the input file', { file: path }, { cause });
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const text = bytes.toString('utf-8');
  // A leading UTF-8 byte-order mark (as some editors write) is not part of the first event.
  const lines = (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).split('\n');
  const guess = guessKind(lines);
  if (!guess) throw new DatasetError('no line is a tick ({"symbol","ts","price"}) or a vector ({"key","ts","features"}) event', { file: path });
  const vectorSize = guess.kind === 'vector' ? guess.vectorSize : 0;
  const opts = { kind: guess.kind, inputSize: vectorSize, ...DEFAULT_DECODE_LIMITS };
  const records: EventRecord[] = [];
  const rejected: RejectedLine[] = [];
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i];
    if (text.trim() === '') continue;
    const result = decodeEvent(text, undefined, opts);
    if (!result.ok) rejected.push({ line: i + 1, reason: result.reason, detail: result.detail });
    else records.push({ event: result.event, line: i + 1, target: result.event.kind === 'vector' ? readTarget(text) : undefined });
  }
  if (records.length === 0) throw new DatasetError(`no valid ${guess.kind} event (${rejected.length} lines rejected)`, { file: path });
  return { path, sha256, kind: guess.kind, vectorSize, records, rejected };
}

/** The `target` field of a line already known to be a valid JSON object. */
function readTarget(text: string): unknown {
  return (JSON.parse(text) as Record<string, unknown>).target;
}

function guessKind(lines: readonly string[]): { kind: EventKind; vectorSize: number } | undefined {
  for (const text of lines) {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      // Not JSON: the decoding pass reports it with its line number; keep looking for the kind.
      continue;
    }
    if (typeof body !== 'object' || body === null) continue;
    const o = body as Record<string, unknown>;
    if (Array.isArray(o.features)) return { kind: 'vector', vectorSize: o.features.length };
    if (o.price !== undefined) return { kind: 'tick', vectorSize: 0 };
  }
  return undefined;
}
