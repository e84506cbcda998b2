import { describe, expect, it } from 'vitest';
import { decodeEvent, MAX_EVENT_TS } from '../../src/events/decode-event.js';

const OPTS = { kind: 'vector', inputSize: 1, maxBytes: 1024, maxKeyLength: 32, maxAbsValue: 1e6 } as const;
const line = (key: string, ts: number | string): string => JSON.stringify({ key, ts, features: [1] });

describe('decodeEvent: timestamp range and key validity', () => {
  it('rejects a ts after 9999-12-31 as timestamp_out_of_range even without a clock bound', () => {
    expect(decodeEvent(line('a', MAX_EVENT_TS), undefined, OPTS).ok).toBe(true);
    const r = decodeEvent(line('a', MAX_EVENT_TS + 1), undefined, OPTS);
    expect(r).toMatchObject({ ok: false, reason: 'timestamp_out_of_range' });
    expect(decodeEvent(line('a', '+275760-09-13T00:00:00Z'), undefined, OPTS)).toMatchObject({ ok: false });
  });

  it('rejects a ts beyond the given maxTs, naming the distance', () => {
    const r = decodeEvent(line('a', 1_000_500), undefined, OPTS, 1_000_000);
    expect(r).toMatchObject({ ok: false, reason: 'timestamp_out_of_range' });
    expect(!r.ok && r.detail).toContain('500 ms beyond the latest accepted time 1000000');
    expect(decodeEvent(line('a', 1_000_000), undefined, OPTS, 1_000_000).ok).toBe(true);
  });

  it('rejects a file-line key with a lone surrogate as invalid_key, keeps a valid pair', () => {
    expect(decodeEvent('{"key":"k\\ud800","ts":1,"features":[1]}', undefined, OPTS)).toMatchObject({ ok: false, reason: 'invalid_key' });
    expect(decodeEvent('{"key":"k\\udc00x","ts":1,"features":[1]}', undefined, OPTS)).toMatchObject({ ok: false, reason: 'invalid_key' });
    expect(decodeEvent('{"key":"k\\ud83d\\ude00","ts":1,"features":[1]}', undefined, OPTS)).toMatchObject({ ok: true, event: { key: 'k😀' } });
  });
});
