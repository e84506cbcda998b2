import { describe, expect, it } from 'vitest';
import { DEFAULT_DECODE_LIMITS, decodeEvent, type DecodeOptions } from '../../src/events/decode-event.js';

const vector: DecodeOptions = { kind: 'vector', inputSize: 2, ...DEFAULT_DECODE_LIMITS };
const tick: DecodeOptions = { kind: 'tick', inputSize: 3, ...DEFAULT_DECODE_LIMITS };

const reasonOf = (value: string | null, key: string | null | undefined, opts: DecodeOptions) => {
  const r = decodeEvent(value, key, opts);
  return r.ok ? 'ok' : r.reason;
};

describe('decodeEvent', () => {
  it('accepts the contract examples, with ts as epoch ms or ISO-8601', () => {
    const t = decodeEvent('{"symbol":"AAPL","ts":1764167400123,"price":189.23,"volume":1200}', 'AAPL', tick);
    expect(t).toEqual({ ok: true, event: { kind: 'tick', key: 'AAPL', ts: 1764167400123, price: 189.23, volume: 1200, end: false } });
    const v = decodeEvent('{"key":"sensor-7","ts":"2025-11-26T14:30:00.123Z","features":[0.1,2.3]}', undefined, vector);
    expect(v.ok && v.event).toMatchObject({ kind: 'vector', key: 'sensor-7', ts: Date.UTC(2025, 10, 26, 14, 30, 0, 123), features: [0.1, 2.3] });
    const offset = decodeEvent('{"key":"k","ts":"2025-11-26T15:30:00+01:00","features":[1,2]}', undefined, vector);
    expect(offset.ok && offset.event.ts).toBe(Date.UTC(2025, 10, 26, 14, 30));
  });

  it('treats a missing volume as 0 and reads the end marker', () => {
    const r = decodeEvent('{"symbol":"X","ts":1,"price":2,"end":true}', undefined, tick);
    expect(r.ok && r.event).toMatchObject({ volume: 0, end: true });
  });

  it.each([
    ['{"key":"a","ts":1,"features":[1,2]', 'malformed_json'],
    ['[1,2]', 'not_an_object'],
    ['{"ts":1,"features":[1,2]}', 'missing_field'],
    ['{"key":"a","features":[1,2]}', 'missing_field'],
    ['{"key":5,"ts":1,"features":[1,2]}', 'wrong_type'],
    ['{"key":"a","ts":"yesterday","features":[1,2]}', 'bad_timestamp'],
    ['{"key":"a","ts":-5,"features":[1,2]}', 'bad_timestamp'],
    ['{"key":"a","ts":1,"features":"1,2"}', 'wrong_type'],
    ['{"key":"a","ts":1,"features":[1]}', 'feature_count'],
    ['{"key":"a","ts":1,"features":[1,null]}', 'non_finite'],
    ['{"key":"a","ts":1,"features":[1,"NaN"]}', 'non_finite'],
    ['{"key":"a","ts":1,"features":[1,"2"]}', 'wrong_type'],
    ['{"key":"a","ts":1,"features":[1,1e300]}', 'oversized'],
    ['{"key":"a","ts":1,"features":[1,2],"end":"yes"}', 'wrong_type'],
  ])('rejects %s as %s', (value, reason) => {
    expect(reasonOf(value, undefined, vector)).toBe(reason);
  });

  it.each([
    ['{"symbol":"X","ts":1,"price":0,"volume":1}', 'non_positive_price'],
    ['{"symbol":"X","ts":1,"price":-3,"volume":1}', 'non_positive_price'],
    ['{"symbol":"X","ts":1,"volume":1}', 'missing_field'],
    ['{"symbol":"X","ts":1,"price":"1.5","volume":1}', 'wrong_type'],
    ['{"symbol":"X","ts":1,"price":1.5,"volume":-1}', 'negative_volume'],
  ])('rejects tick %s as %s', (value, reason) => {
    expect(reasonOf(value, 'X', tick)).toBe(reason);
  });

  it('requires a Kafka message key equal to the body key', () => {
    const body = '{"symbol":"X","ts":1,"price":1,"volume":1}';
    expect(reasonOf(body, null, tick)).toBe('null_key');
    expect(reasonOf(body, 'Y', tick)).toBe('key_mismatch');
    expect(reasonOf('{"ts":1,"price":1}', 'Z', tick)).toBe('ok');
  });

  it('rejects oversized messages and keys before parsing them', () => {
    expect(reasonOf(`{"key":"a","ts":1,"features":[1,2],"pad":"${'x'.repeat(70_000)}"}`, undefined, vector)).toBe('oversized');
    expect(reasonOf(`{"key":"${'k'.repeat(300)}","ts":1,"features":[1,2]}`, undefined, vector)).toBe('oversized');
    expect(reasonOf(null, 'a', vector)).toBe('malformed_json');
  });
});
