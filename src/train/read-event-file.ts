/**
 * Reads a JSONL file of input events for training as a stream, line by line: the same decoding
 * and validation as the `backtest` command (decodeEvent with the default limits), so both see
 * the same valid events in the same order. No whole-file string is ever built (read-lines.ts):
 * memory grows with the events kept (EventSet's columns), not with the size of the file.
 */
import { DatasetError } from '../errors/index.js';
import { DEFAULT_DECODE_LIMITS } from '../events/decode-event.js';
import type { EventKind } from '../events/model-event.js';
import { EventSetBuilder, type EventSet, type OnRejected } from './event-set.js';
import { readLines, type OnFileProgress } from './read-lines.js';

export type { OnFileProgress } from './read-lines.js';

/**
 * Reads `path` as events of `kind` (from the target). Invalid lines are passed to `onRejected`
 * (position = 1-based line) and counted. Throws DatasetError when the file cannot be read or
 * holds no valid event (the message gives the rejection counts by reason).
 */
export async function readEventFile(path: string, kind: EventKind, onRejected?: OnRejected, onProgress?: OnFileProgress): Promise<EventSet> {
  const builder = new EventSetBuilder(kind, DEFAULT_DECODE_LIMITS, onRejected);
  let read;
  try {
    read = await readLines(
      path,
      (text, line) => {
        if (text.trim() !== '') builder.add(text, undefined, { partition: -1, pos: line });
      },
      onProgress,
    );
  } catch (cause) {
    if (cause instanceof DatasetError) throw cause;
    throw new DatasetError('cannot read the input file', { file: path }, { cause });
  }
  return builder.finish(path, { input: path }, read.sha256);
}
