import { describe, expect, it } from 'vitest';
import { DEFAULT_DECODE_LIMITS, decodeEvent, MAX_TOKEN_LENGTH, parseTimestamp, type DecodeOptions } from '../../src/events/decode-event.js';
import { Vocabulary } from '../../src/model/vocabulary.js';

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

describe('parseTimestamp', () => {
  const HOUR = 3_600_000;
  it.each([
    ['2024-02-29T14:30:05Z', Date.UTC(2024, 1, 29, 14, 30, 5)],
    ['2000-02-29T00:00:00Z', Date.UTC(2000, 1, 29)],
    ['2024-12-31T23:59:59.999Z', Date.UTC(2024, 11, 31, 23, 59, 59, 999)],
    ['2024-03-01T14:30Z', Date.UTC(2024, 2, 1, 14, 30)],
    ['2024-03-01T14:30:05.5Z', Date.UTC(2024, 2, 1, 14, 30, 5, 500)],
    ['2024-03-01T14:30:05.123456789Z', Date.UTC(2024, 2, 1, 14, 30, 5, 123)],
    ['2024-03-01T14:30:05+05:30', Date.UTC(2024, 2, 1, 9, 0, 5)],
    ['2024-03-01T14:30:05+0530', Date.UTC(2024, 2, 1, 9, 0, 5)],
    ['2024-03-01 14:30:05Z', Date.UTC(2024, 2, 1, 14, 30, 5)],
    ['2024-03-01t14:30:05z', Date.UTC(2024, 2, 1, 14, 30, 5)],
    ['2024-03-01T14:30:05+00', Date.UTC(2024, 2, 1, 14, 30, 5)],
    ['2024-03-01T14:30:05-05', Date.UTC(2024, 2, 1, 19, 30, 5)],
    ['2024-03-01T14:30:05,25Z', Date.UTC(2024, 2, 1, 14, 30, 5, 250)],
    ['2024-03-01 00:30:00.1+01:00', Date.UTC(2024, 1, 29, 23, 30, 0, 100)],
    ['2024-02-29T23:00:00-02:00', Date.UTC(2024, 2, 1, 1)],
    ['1969-12-31T23:00:00Z', -HOUR],
    ['0050-06-15T00:00:00Z', Date.UTC(2050, 5, 15) - 2000 * 365.2425 * 24 * HOUR],
  ])('reads %s as epoch ms', (text, expected) => {
    expect(parseTimestamp(text)).toBe(expected);
  });

  it('returns epoch-ms numbers unchanged', () => {
    expect(parseTimestamp(1764167400123)).toBe(1764167400123);
    expect(parseTimestamp(0)).toBe(0);
  });

  it.each([
    '2024-02-30T14:30:05Z',
    '2023-02-29T00:00:00Z',
    '1900-02-29T00:00:00Z',
    '2024-04-31T00:00:00Z',
    '2024-00-10T00:00:00Z',
    '2024-13-01T00:00:00Z',
    '2024-03-00T00:00:00Z',
    '2024-03-01T24:00:00Z',
    '2024-03-01T14:60:00Z',
    '2024-03-01T14:30:60Z',
    '2024-03-01T14:30:05+24:00',
    '2024-03-01T14:30:05+05:60',
    '2024-03-01T14:30:05',
    '2024-03-01T14:30:05.Z',
    '2024-03-01T14:30:05.1234567890Z',
    '2024-03-01T14:30:05+5',
    '2024-03-01T14:30:05+05:3',
    '2024-03-01_14:30:05Z',
    '2024-03-01',
  ])('rejects %s', (text) => {
    expect(typeof parseTimestamp(text)).toBe('string');
  });

  it('rejects an impossible date in an event as bad_timestamp', () => {
    expect(reasonOf('{"key":"a","ts":"2024-02-30T14:30:05Z","features":[1,2]}', undefined, vector)).toBe('bad_timestamp');
    expect(reasonOf('{"key":"a","ts":"2024-02-29 14:30:05+00","features":[1,2]}', undefined, vector)).toBe('ok');
  });
});

describe('decodeEvent: token events', () => {
  const vocabulary = new Vocabulary({ tokens: ['<unk>', 'good', 'soup'], unknownId: 0, lowercase: true, tokenizer: 'whitespace' });
  const opts: DecodeOptions = { ...DEFAULT_DECODE_LIMITS, kind: 'token', inputSize: 4, vocabulary };
  const decode = (body: object) => decodeEvent(JSON.stringify({ key: 'doc-7', ts: 1, ...body }), 'doc-7', opts);

  it('maps a known token (lower-cased as the vocabulary says) to its id', () => {
    expect(decode({ token: 'Soup' })).toEqual({ ok: true, event: { kind: 'token', key: 'doc-7', ts: 1, id: 2, unknown: false, end: false } });
  });

  it('maps an unknown token to the unknown id and flags it', () => {
    expect(decode({ token: 'tasty', end: true })).toEqual({ ok: true, event: { kind: 'token', key: 'doc-7', ts: 1, id: 0, unknown: true, end: true } });
  });

  it('accepts an id inside the vocabulary and rejects one outside it with token_out_of_range', () => {
    expect(decode({ id: 1 })).toMatchObject({ ok: true, event: { id: 1, unknown: false } });
    expect(decode({ id: 3 })).toEqual({ ok: false, reason: 'token_out_of_range', detail: '"id" 3 is outside the vocabulary (0..2)' });
    expect(decode({ id: -1 })).toMatchObject({ ok: false, reason: 'token_out_of_range' });
  });

  it('rejects a token event without token or id, with both, or with wrong types', () => {
    expect(decode({})).toMatchObject({ ok: false, reason: 'missing_field' });
    expect(decode({ token: 'good', id: 1 })).toMatchObject({ ok: false, reason: 'wrong_type' });
    expect(decode({ token: 5 })).toMatchObject({ ok: false, reason: 'wrong_type' });
    expect(decode({ id: 1.5 })).toMatchObject({ ok: false, reason: 'wrong_type' });
    expect(decode({ token: 'x'.repeat(MAX_TOKEN_LENGTH + 1) })).toMatchObject({ ok: false, reason: 'oversized' });
  });
});

describe('decodeEvent: the target of a vector event', () => {
  const targetOf = (json: string) => {
    const r = decodeEvent(json, undefined, vector);
    expect(r.ok).toBe(true);
    return r.ok && r.event.kind === 'vector' ? r.event.target : 'not a vector';
  };

  it('keeps a number as one value and an array of numbers as it is', () => {
    expect(targetOf('{"key":"k","ts":1,"features":[1,2],"target":-0.5}')).toEqual([-0.5]);
    expect(targetOf('{"key":"k","ts":1,"features":[1,2],"target":[3,4.25]}')).toEqual([3, 4.25]);
  });

  it('applies an event without a usable target, as having none (a target is not an input)', () => {
    for (const t of ['"up"', 'null', '[]', '[1,"x"]', '{"a":1}', 'true']) expect(targetOf(`{"key":"k","ts":1,"features":[1,2],"target":${t}}`), t).toBeUndefined();
    expect(targetOf('{"key":"k","ts":1,"features":[1,2]}')).toBeUndefined();
  });
});

