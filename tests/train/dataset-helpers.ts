import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DatasetOptions } from '../../src/train/dataset-build.js';

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
  valFraction: 0.2,
  flatThreshold: 0,
  marketInputs: ['log_return'],
  ...o,
});
