import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { DatasetError } from '../../src/errors/index.js';
import type { KeyEvents } from '../../src/train/key-events.js';
import { readEventFile } from '../../src/train/read-event-file.js';
import { tick, writeEvents } from './dataset-helpers.js';

/** [key, line] of every event, in file order across keys. */
function keyLines(keys: readonly KeyEvents[]): [string, number][] {
  return keys
    .flatMap((k) => Array.from({ length: k.length }, (_, t): [string, number] => [k.key, k.pos(t)]))
    .sort((a, b) => a[1] - b[1]);
}

describe('readEventFile', () => {
  it('keeps valid ticks per key in file order and reports invalid lines with their line number and reason', async () => {
    const path = await writeEvents([
      tick('A', 1, 100),
      '{"symbol":"A","ts":2,"price":',
      tick('B', 2, 50),
      '',
      tick('A', 3, -1),
      { symbol: 'A', price: 101 },
      tick('A', 4, 101),
    ]);
    const rejected: [number, string][] = [];
    const data = await readEventFile(path, 'tick', (at, reason) => rejected.push([at.pos, reason]));
    expect(data.kind).toBe('tick');
    expect(keyLines(data.keys)).toEqual([
      ['A', 1],
      ['B', 3],
      ['A', 7],
    ]);
    expect(data.keys[0].event(1)).toEqual({ kind: 'tick', key: 'A', ts: 4, price: 101, volume: 10, end: false });
    expect(rejected).toEqual([
      [2, 'malformed_json'],
      [5, 'non_positive_price'],
      [6, 'missing_field'],
    ]);
    expect(data.rejectedByReason).toEqual({ malformed_json: 1, non_positive_price: 1, missing_field: 1 });
    expect(data.validEvents).toBe(3);
    expect(data.sha256).toBe(createHash('sha256').update(await readFile(path)).digest('hex'));
  });

  it('reads vector events with the feature count of the first line that has features, and keeps their numeric target', async () => {
    const path = await writeEvents([
      { key: 'k', ts: 0, target: 1 },
      { key: 'k', ts: 1, features: [1, 2], target: 3 },
      { key: 'k', ts: 2, features: [1, 2, 3], target: 4 },
      { key: 'k', ts: 3, features: [0, 0] },
      { key: 'k', ts: 4, features: [0, 0], target: 'x' },
    ]);
    const data = await readEventFile(path, 'vector');
    expect(data.vectorSize).toBe(2);
    const [k] = data.keys;
    expect(k.length).toBe(3);
    expect(Array.from(k.target(0) as Float64Array)).toEqual([3]);
    expect(k.target(1)).toBe(-1);
    expect(k.target(2)).toBe(-2);
    expect(data.targetIssues).toEqual([{ at: { partition: -1, pos: 5 }, detail: expect.stringContaining('"target" must be') }]);
    expect(data.rejectedByReason).toEqual({ missing_field: 1, feature_count: 1 });
  });

  it('ignores a UTF-8 byte-order mark at the start of the file and reads CRLF line ends', async () => {
    const path = await writeEvents([`\ufeff${JSON.stringify(tick('A', 1, 100))}\r`, tick('A', 2, 101)]);
    const data = await readEventFile(path, 'tick');
    expect((await readFile(path))[0]).toBe(0xef);
    expect(keyLines(data.keys)).toEqual([['A', 1], ['A', 2]]);
    expect(data.rejected).toBe(0);
  });

  it('counts timestamp regressions and equal timestamps per key, keeping the events in file order', async () => {
    const path = await writeEvents([tick('A', 5, 100), tick('B', 1, 10), tick('A', 3, 101), tick('A', 3, 102), tick('B', 2, 11)]);
    const data = await readEventFile(path, 'tick');
    expect(data.timestampRegressions).toBe(1);
    expect(data.equalTimestamps).toBe(1);
    expect(Array.from(data.keys[0].timestamps())).toEqual([5, 3, 3]);
  });

  it('fails with DatasetError naming the file and the rejection reasons when no line is a valid event', async () => {
    const path = await writeEvents(['not json', { symbol: 'A', ts: 1, price: 0 }, { symbol: 'A', ts: 2, price: 0 }]);
    await expect(readEventFile(path, 'tick')).rejects.toThrow(DatasetError);
    await expect(readEventFile(path, 'tick')).rejects.toThrow(`${path}: no valid tick event: 3 inputs rejected (malformed_json=1, non_positive_price=2)`);
    await expect(readEventFile(`${path}.missing`, 'tick')).rejects.toThrow(/cannot read the input file/);
  });

  it('says so when the lines are events of the other kind than the target needs', async () => {
    const path = await writeEvents([{ key: 'k', ts: 1, features: [1] }]);
    await expect(readEventFile(path, 'tick')).rejects.toThrow(/1 of them look like vector events .*: the target needs tick events/);
  });
});
