import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ModelEvent } from '../../src/events/model-event.js';
import type { DatasetOptions } from '../../src/train/dataset-build.js';
import type { EventSet } from '../../src/train/event-set.js';
import { readEventFile } from '../../src/train/read-event-file.js';
import { KeyEvents, rowStride, TARGET_ABSENT, TARGET_UNUSABLE, writeTickRow, writeVectorRow } from '../../src/train/key-events.js';

/** Writes `lines` (objects are JSON-encoded, strings written as is) to a fresh temp file. */
export async function writeEvents(lines: readonly (string | object)[], name = 'events.jsonl'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'rnn-stream-train-data-'));
  const path = join(dir, name);
  await writeFile(path, lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n');
  return path;
}

/** A tick event line. */
export const tick = (symbol: string, ts: number, price: number, extra: object = {}) => ({ symbol, ts, price, volume: 10, ...extra });

/** Dataset options with defaults for tests. */
export const datasetOptions = (o: Partial<DatasetOptions> = {}): DatasetOptions => ({
  target: 'next_logret',
  outputMode: 'many_to_many',
  split: { kind: 'fraction', valFraction: 0.2 },
  flatThreshold: 0,
  marketInputs: ['log_return'],
  ...o,
});

/** One key's events as KeyEvents, each at line i + 1 with its raw numeric target (or none). */
export function keyEventsOf(events: readonly ModelEvent[], targets: readonly (readonly number[] | undefined | 'unusable')[] = []): KeyEvents {
  const first = events[0];
  if (first.kind === 'token') throw new TypeError('KeyEvents holds tick and vector events only');
  const size = first.kind === 'vector' ? first.features.length : 0;
  const stride = rowStride(first.kind, size);
  const rows = new Float64Array(events.length * stride);
  const values: number[] = [];
  events.forEach((e, i) => {
    const at = { partition: -1, pos: i + 1 };
    if (e.kind === 'tick') return writeTickRow(rows, i * stride, e.ts, e.price, e.volume, e.end, at.partition, at.pos);
    if (e.kind !== 'vector') throw new TypeError('KeyEvents holds tick and vector events only');
    const t = targets[i];
    writeVectorRow(rows, i * stride, e, at, values.length, t === undefined ? TARGET_ABSENT : t === 'unusable' ? TARGET_UNUSABLE : t.length);
    if (Array.isArray(t)) values.push(...(t as number[]));
  });
  return new KeyEvents(first.key, first.kind, size, rows, 0, events.length, Float64Array.from(values));
}
/** Reads an events file as training does, with the kind its lines hold (vectors when any has "features"). */
export async function readEvents(path: string): Promise<EventSet> {
  const kind = (await readFile(path, 'utf-8')).includes('"features"') ? 'vector' : 'tick';
  return readEventFile(path, kind);
}
