import { describe, expect, it } from 'vitest';
import { DEFAULT_DECODE_LIMITS, decodeEvent } from '../../src/events/decode-event.js';
import { EventSetBuilder } from '../../src/train/event-set.js';

const tick = (symbol: string, ts: number, price: number) => Buffer.from(JSON.stringify({ symbol, ts, price, volume: 2 }));

describe('EventSetBuilder.addMessage', () => {
  it('rejects a Kafka key that is not valid UTF-8 as invalid_key, as the stream does, and never trains on it', () => {
    const rejected: [number, number, string][] = [];
    const builder = new EventSetBuilder('tick', DEFAULT_DECODE_LIMITS, (at, reason) => rejected.push([at.partition, at.pos, reason]));
    // Both bad keys decode to "A\uFFFD" as text: accepted, they would share one key's events.
    const replaced = 'A\ufffd';
    builder.addMessage(tick(replaced, 1, 10), Buffer.from([0x41, 0xff]), 2, 7);
    builder.addMessage(tick(replaced, 2, 11), Buffer.from([0x41, 0xfe]), 2, 8);
    builder.addMessage(tick(replaced, 3, 12), Buffer.from(replaced), 2, 9);
    builder.addMessage(tick('B', 4, 13), null, 1, 3);
    const data = builder.finish('topic t', {}, '');
    expect(rejected).toEqual([
      [2, 7, 'invalid_key'],
      [2, 8, 'invalid_key'],
      [1, 3, 'null_key'],
    ]);
    expect(data.rejectedByReason).toEqual({ invalid_key: 2, null_key: 1 });
    expect(data.keys.map((k) => [k.key, k.length, k.pos(0), k.partition(0)])).toEqual([[replaced, 1, 9, 2]]);
  });

  it('keeps every decoded tick in its key columns exactly as decodeEvent gives it', () => {
    const values = [
      '{"symbol":"X","ts":5,"price":1.25,"volume":3}',
      ' { "ts" : 6 , "price" : 1.5e0 , "symbol" : "X" , "end" : true } ',
      '{"symbol":"X","ts":"1970-01-01T00:00:00.007Z","price":0.1,"volume":null}',
      '{"symbol":"X","ts":8,"price":2,"volume":-0}',
      '{"symbol":"X","ts":4,"price":3}',
    ];
    const builder = new EventSetBuilder('tick', DEFAULT_DECODE_LIMITS);
    values.forEach((v, i) => builder.addMessage(Buffer.from(v), Buffer.from('X'), 0, i));
    const data = builder.finish('topic t', {}, '');
    const k = data.keys[0];
    expect(k.length).toBe(values.length);
    values.forEach((v, t) => {
      const decoded = decodeEvent(v, 'X', { kind: 'tick', inputSize: 0, ...DEFAULT_DECODE_LIMITS });
      expect(decoded.ok && decoded.event).toEqual(k.event(t));
      expect(k.pos(t)).toBe(t);
    });
    expect(Object.is(k.volume(3), -0)).toBe(true);
    expect(Array.from(k.timestamps())).toEqual([5, 6, 7, 8, 4]);
    expect(data.timestampRegressions).toBe(1);
  });
});
