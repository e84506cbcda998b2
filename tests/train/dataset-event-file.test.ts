import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { DatasetError } from '../../src/errors/index.js';
import { readEventFile } from '../../src/train/dataset-event-file.js';
import { tick, writeEvents } from './dataset-helpers.js';

describe('readEventFile', () => {
  it('keeps valid ticks in file order and reports invalid lines with their line number and reason', async () => {
    const path = await writeEvents([
      tick('A', 1, 100),
      '{"symbol":"A","ts":2,"price":',
      tick('B', 2, 50),
      '',
      tick('A', 3, -1),
      { symbol: 'A', price: 101 },
      tick('A', 4, 101),
    ]);
    const file = await readEventFile(path);
    expect(file.kind).toBe('tick');
    expect(file.records.map((r) => [r.event.key, r.line])).toEqual([
      ['A', 1],
      ['B', 3],
      ['A', 7],
    ]);
    expect(file.rejected.map((r) => [r.line, r.reason])).toEqual([
      [2, 'malformed_json'],
      [5, 'non_positive_price'],
      [6, 'missing_field'],
    ]);
    expect(file.sha256).toBe(createHash('sha256').update(await readFile(path)).digest('hex'));
  });

  it('reads vector events with the feature count of the first line and keeps their target field', async () => {
    const path = await writeEvents([
      { key: 'k', ts: 1, features: [1, 2], target: 3 },
      { key: 'k', ts: 2, features: [1, 2, 3], target: 4 },
      { key: 'k', ts: 3, features: [0, 0] },
    ]);
    const file = await readEventFile(path);
    expect(file.kind).toBe('vector');
    expect(file.vectorSize).toBe(2);
    expect(file.records.map((r) => r.target)).toEqual([3, undefined]);
    expect(file.rejected).toEqual([{ line: 2, reason: 'feature_count', detail: expect.stringContaining('3 values') }]);
  });

  it('ignores a UTF-8 byte-order mark at the start of the file', async () => {
    const path = await writeEvents([`\ufeff${JSON.stringify(tick('A', 1, 100))}`, tick('A', 2, 101)]);
    const file = await readEventFile(path);
    expect((await readFile(path))[0]).toBe(0xef);
    expect(file.records.map((r) => [r.event.key, r.line])).toEqual([['A', 1], ['A', 2]]);
    expect(file.rejected).toEqual([]);
  });

  it('fails with DatasetError naming the file when no line is a valid event', async () => {
    const path = await writeEvents(['not json', { symbol: 'A', ts: 1, price: 0 }]);
    await expect(readEventFile(path)).rejects.toThrow(DatasetError);
    await expect(readEventFile(path)).rejects.toThrow(path);
    await expect(readEventFile(`${path}.missing`)).rejects.toThrow(/cannot read the input file/);
  });
});
