import { describe, expect, it } from 'vitest';
import { DEFAULT_DECODE_LIMITS, decodeEventByJsonParse, type DecodeOptions } from '../../src/events/decode-event.js';
import { messageKeyText } from '../../src/events/message-key.js';
import type { ModelEvent } from '../../src/events/model-event.js';
import { SeededRandom } from '../../src/model/random.js';
import { CHUNK_ROWS } from '../../src/train/event-rows.js';
import { EventSetBuilder, type EventSet } from '../../src/train/event-set.js';
import { TARGET_ABSENT, TARGET_UNUSABLE } from '../../src/train/key-events.js';

/** What the reference keeps of an input: the decoded event, where it came from and its raw target. */
interface Kept {
  readonly event: ModelEvent;
  readonly partition: number;
  readonly pos: number;
  readonly target: readonly number[] | typeof TARGET_ABSENT | typeof TARGET_UNUSABLE;
}

/**
 * The reference: each input decoded on its own by the JSON.parse path of the live decoder (the
 * message key by the stream's key rule), kept in a plain array per key in arrival order, with
 * regressions and equal timestamps counted against the key's previous event. Nothing of the
 * builder's store, key cache or byte-level scan is used.
 */
function reference(inputs: readonly { value: string; key: string | Buffer | null | undefined; partition: number; pos: number }[], opts: DecodeOptions) {
  const byKey = new Map<string, Kept[]>();
  const rejected: Record<string, number> = {};
  let regressions = 0;
  let equal = 0;
  for (const { value, key, partition, pos } of inputs) {
    const text = key === undefined || typeof key === 'string' ? key : messageKeyText(key);
    const result = text !== null && typeof text === 'object' ? { ok: false as const, ...text } : decodeEventByJsonParse(value, text, opts);
    if (!result.ok) {
      rejected[result.reason] = (rejected[result.reason] ?? 0) + 1;
      continue;
    }
    const raw = (JSON.parse(value) as Record<string, unknown>).target;
    const list: unknown = typeof raw === 'number' ? [raw] : raw;
    const target =
      result.event.kind !== 'vector' || raw === undefined
        ? TARGET_ABSENT
        : Array.isArray(list) && list.length > 0 && list.every((v) => typeof v === 'number' && Number.isFinite(v))
          ? (list as number[])
          : TARGET_UNUSABLE;
    const kept = byKey.get(result.event.key) ?? [];
    const prev = kept.at(-1);
    if (prev && result.event.ts < prev.event.ts) regressions++;
    else if (prev && result.event.ts === prev.event.ts) equal++;
    kept.push({ event: result.event, partition, pos, target });
    byKey.set(result.event.key, kept);
  }
  return { byKey, rejected, regressions, equal };
}

/** Every key's events of `data`, field by field, against the reference (bits of every number). */
function expectSameAsReference(data: EventSet, ref: ReturnType<typeof reference>): void {
  // Keys by their first event's partition, then position (a stable sort of the order they came in).
  const order = [...ref.byKey.entries()].sort(([, a], [, b]) => a[0].partition - b[0].partition || a[0].pos - b[0].pos).map(([key]) => key);
  expect(data.keys.map((k) => k.key)).toEqual(order);
  expect(data.rejectedByReason).toEqual(ref.rejected);
  expect(data.timestampRegressions).toBe(ref.regressions);
  expect(data.equalTimestamps).toBe(ref.equal);
  let valid = 0;
  for (const k of data.keys) {
    const kept = ref.byKey.get(k.key)!;
    expect(k.length).toBe(kept.length);
    valid += kept.length;
    const ts = k.timestamps();
    kept.forEach((e, t) => {
      // toEqual tells -0 from 0 and compares NaN-free doubles exactly. The raw target is kept apart (below).
      const { target: _target, ...event } = e.event as ModelEvent & { target?: unknown };
      expect(k.event(t)).toEqual(event);
      expect(ts[t]).toBe(e.event.ts);
      expect(k.position(t)).toEqual({ partition: e.partition, pos: e.pos });
      const target = k.target(t);
      expect(typeof target === 'number' ? target : Array.from(target)).toEqual(e.target);
    });
  }
  expect(data.validEvents).toBe(valid);
}

/** A seeded tick's text: mostly the plain form, some spaced, reordered, with `end`, ISO ts, or invalid. */
function tickText(rnd: SeededRandom, symbol: string, ts: number, price: number): string {
  const u = rnd.next();
  if (u < 0.02) return `{"symbol":"${symbol}","ts":${ts},"price":-1}`;
  if (u < 0.03) return 'not json';
  if (u < 0.05) return ` { "ts" : ${ts} , "price" : ${price} , "symbol" : "${symbol}" , "end" : true } `;
  if (u < 0.06) return JSON.stringify({ symbol, ts: new Date(ts).toISOString(), price, volume: null });
  if (u < 0.07) return JSON.stringify({ symbol: `${symbol}x`, ts, price });
  return JSON.stringify({ symbol, ts, price, volume: rnd.int(5000) });
}

describe('EventSetBuilder against a plain per-key reference', () => {
  it('keeps the same events, positions, rejections and timestamp counts for Kafka ticks of many keys across several row chunks', () => {
    const rnd = new SeededRandom(11);
    const keys = 300;
    const ts = Array.from({ length: keys }, (_, k) => 1_700_000_000_000 + k);
    const price = Array.from({ length: keys }, () => 10 + 100 * rnd.next());
    const inputs: { value: string; key: Buffer | null; partition: number; pos: number }[] = [];
    const offsets = [0, 0, 0];
    for (let i = 0; i < 2.5 * CHUNK_ROWS; i++) {
      const k = rnd.int(keys);
      const u = rnd.next();
      if (u < 0.03) ts[k] -= rnd.int(1000);
      else if (u > 0.06) ts[k] += rnd.int(500);
      price[k] *= Math.exp(0.01 * rnd.normal());
      const symbol = `S${k}`;
      const partition = k % 3;
      const key = rnd.next() < 0.005 ? null : rnd.next() < 0.005 ? Buffer.from([0x53, 0xff]) : Buffer.from(symbol);
      inputs.push({ value: tickText(rnd, symbol, ts[k], Number(price[k].toPrecision(rnd.next() < 0.5 ? 6 : 17))), key, partition, pos: offsets[partition]++ });
    }
    const builder = new EventSetBuilder('tick', DEFAULT_DECODE_LIMITS);
    for (const m of inputs) builder.addMessage(Buffer.from(m.value), m.key, m.partition, m.pos);
    const data = builder.finish('topic t', {}, '');
    const ref = reference(inputs, { kind: 'tick', inputSize: 0, ...DEFAULT_DECODE_LIMITS });
    expect(data.validEvents).toBeGreaterThan(2 * CHUNK_ROWS);
    expect(ref.regressions).toBeGreaterThan(0);
    expect(ref.equal).toBeGreaterThan(0);
    expectSameAsReference(data, ref);
    // The same messages as records read in place from a fetched batch's bytes: keys and values
    // at their offsets in one buffer, as the replay's reader hands them over.
    const records = new EventSetBuilder('tick', DEFAULT_DECODE_LIMITS);
    for (const [i, m] of inputs.entries()) {
      const pad = i % 7;
      const value = Buffer.from(m.value);
      const key = m.key ?? Buffer.alloc(0);
      const bytes = Buffer.concat([Buffer.alloc(pad, 0x22), key, value, Buffer.from('{"')]);
      records.addRecord(bytes, pad, m.key === null ? -1 : key.length, pad + key.length, value.length, m.partition, m.pos);
    }
    expectSameAsReference(records.finish('topic t', {}, ''), ref);
  });

  it("keeps every key's events apart when keys outnumber the key cache's entries (entries taken over by other keys)", () => {
    const rnd = new SeededRandom(29);
    // Three times the cache's 4,096 entries: runs of entries fill up and keys replace one another.
    const keys = 12_000;
    const ts = Array.from({ length: keys }, (_, k) => 1_700_000_000_000 + k);
    const inputs: { value: string; key: Buffer; partition: number; pos: number }[] = [];
    for (let i = 0; i < 60_000; i++) {
      // Half the events from a few hundred hot keys, half from all of them.
      const k = rnd.next() < 0.5 ? rnd.int(300) : rnd.int(keys);
      ts[k] += rnd.int(500) - 20;
      const symbol = `K${k}`;
      inputs.push({ value: JSON.stringify({ symbol, ts: ts[k], price: 1 + rnd.int(1000) / 8, volume: rnd.int(100) }), key: Buffer.from(symbol), partition: k % 3, pos: i });
    }
    const builder = new EventSetBuilder('tick', DEFAULT_DECODE_LIMITS);
    for (const m of inputs) {
      const value = Buffer.from(m.value);
      builder.addRecord(Buffer.concat([m.key, value]), 0, m.key.length, m.key.length, value.length, m.partition, m.pos);
    }
    const data = builder.finish('topic t', {}, '');
    expect(data.keys.length).toBeGreaterThan(9_000);
    expectSameAsReference(data, reference(inputs, { kind: 'tick', inputSize: 0, ...DEFAULT_DECODE_LIMITS }));
  });

  it('keeps the same vector events and raw targets (numbers, arrays, absent, unusable) for file lines', () => {
    const rnd = new SeededRandom(5);
    const inputs: { value: string; key: undefined; partition: number; pos: number }[] = [];
    for (let i = 0; i < CHUNK_ROWS + 500; i++) {
      const key = `V${rnd.int(40)}`;
      const body: Record<string, unknown> = { key, ts: 1_000 + rnd.int(1_000_000), features: [rnd.normal(), rnd.normal() * 1e3, rnd.int(3)] };
      const u = rnd.next();
      if (u < 0.3) body.target = rnd.normal();
      else if (u < 0.5) body.target = [rnd.normal(), rnd.normal()];
      else if (u < 0.55) body.target = 'up';
      else if (u < 0.57 && i > 0) body.features = [1];
      if (rnd.next() < 0.05) body.end = true;
      inputs.push({ value: JSON.stringify(body), key: undefined, partition: -1, pos: i + 1 });
    }
    const builder = new EventSetBuilder('vector', DEFAULT_DECODE_LIMITS);
    for (const line of inputs) builder.add(line.value, undefined, { partition: -1, pos: line.pos });
    const data = builder.finish('f', {}, '');
    expect(data.vectorSize).toBe(3);
    expectSameAsReference(data, reference(inputs, { kind: 'vector', inputSize: 3, ...DEFAULT_DECODE_LIMITS }));
  });

  it("gives the same keys in the same order and the same events whatever order the partitions' batches come in", () => {
    const rnd = new SeededRandom(23);
    // Three partitions' messages in offset order, each key in one partition.
    const partitions = [0, 1, 2].map((p) =>
      Array.from({ length: 400 }, (_, offset) => {
        const symbol = `P${p}K${rnd.int(20)}`;
        return { value: Buffer.from(JSON.stringify({ symbol, ts: 1_000 + offset, price: 1 + rnd.next(), volume: 1 })), key: Buffer.from(symbol), offset };
      }),
    );
    /** The set when batches of `size` messages of the partitions are handed over in the order `pick` chooses. */
    const build = (size: number, pick: (left: number[]) => number) => {
      const builder = new EventSetBuilder('tick', DEFAULT_DECODE_LIMITS);
      const next = [0, 0, 0];
      for (;;) {
        const left = [0, 1, 2].filter((p) => next[p] < partitions[p].length);
        if (left.length === 0) break;
        const p = left[pick(left) % left.length];
        for (const m of partitions[p].slice(next[p], next[p] + size)) builder.addMessage(m.value, m.key, p, m.offset);
        next[p] += size;
      }
      return builder.finish('topic t', {}, '');
    };
    const a = build(50, () => 0);
    const b = build(37, (left) => left.length - 1);
    const c = build(13, () => rnd.int(3));
    for (const other of [b, c]) {
      expect(other.keys.map((k) => k.key)).toEqual(a.keys.map((k) => k.key));
      other.keys.forEach((k, i) => {
        const same = a.keys[i];
        expect(Array.from({ length: k.length }, (_, t) => [k.pos(t), k.ts(t), k.price(t)])).toEqual(Array.from({ length: same.length }, (_, t) => [same.pos(t), same.ts(t), same.price(t)]));
      });
    }
    expect(a.keys.length).toBe(60);
  });
});
