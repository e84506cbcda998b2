import { describe, expect, it } from 'vitest';
import {
  DEFAULT_DECODE_LIMITS,
  decodeEvent,
  decodeEventByJsonParse,
  decodeTickAt,
  decodeTickInto,
  MAX_EVENT_TS,
  type DecodeOptions,
  type DecodeResult,
} from '../../src/events/decode-event.js';
import { scanTick, type TickFields } from '../../src/events/scan-tick.js';
import { SeededRandom } from '../../src/model/random.js';

const tick: DecodeOptions = { kind: 'tick', inputSize: 3, ...DEFAULT_DECODE_LIMITS };
const newFields = (): TickFields => ({ key: '', ts: 0, price: 0, volume: 0, end: false });

/** The outcome as comparable data, numbers by Object.is (so -0 and 0 differ). */
function outcome(r: DecodeResult): string {
  if (!r.ok) return `rejected ${r.reason}: ${r.detail}`;
  return JSON.stringify(r.event, (_k, v: unknown) => (typeof v === 'number' && Object.is(v, -0) ? '-0' : v));
}

/** decodeEvent's result for the payload, failing the test unless JSON.parse and validation give the same; returns the reference. */
function expectDecodedAsReference(bytes: Buffer, messageKey: string | null | undefined, opts: DecodeOptions, maxTs: number): DecodeResult {
  const reference = decodeEventByJsonParse(bytes, messageKey, opts, maxTs);
  const got = decodeEvent(bytes, messageKey, opts, maxTs);
  if (outcome(got) !== outcome(reference)) {
    expect.fail(`payload ${JSON.stringify(bytes.toString('latin1'))} key ${JSON.stringify(messageKey)} maxTs ${maxTs} opts ${JSON.stringify(opts)}: ${outcome(got)} vs ${outcome(reference)}`);
  }
  return reference;
}

/** Whether the byte-level fast path takes the payload (rather than leaving it to JSON.parse). */
function scansFast(bytes: Buffer, messageKey: string | null | undefined, opts: DecodeOptions, maxTs: number): boolean {
  return scanTick(bytes, messageKey, opts, maxTs < MAX_EVENT_TS ? maxTs : MAX_EVENT_TS, newFields());
}

/** A seeded generator of tick payloads, valid ones and every kind of near miss. */
class TickPayloads {
  constructor(private readonly rnd: SeededRandom) {}

  pick<T>(items: readonly T[]): T {
    return items[this.rnd.int(items.length)];
  }

  chance(p: number): boolean {
    return this.rnd.next() < p;
  }

  digits(count: number, leadingNonZero = false): string {
    let s = '';
    for (let i = 0; i < count; i++) s += String(leadingNonZero && i === 0 ? 1 + this.rnd.int(9) : this.rnd.int(10));
    return s;
  }

  /** Number text: mostly JSON numbers of every form, some that are not JSON. */
  numberText(): string {
    const r = this.rnd.next();
    if (r < 0.25) return (this.rnd.next() * this.pick([1, 100, 1000, 1e5])).toFixed(this.rnd.int(7));
    if (r < 0.35) return String(this.rnd.int(2 ** 31) * this.pick([1, -1]));
    if (r < 0.42) return this.pick(['0', '-0', '0.0', '-0.0', '0e5', '-0E-5', '1e22', '1e23', '1e-22', '1e-23', '9007199254740993', '123456789012345', '1234567890123456', '0.1', '0.30000000000000004', '1e308', '1e309', '-1e309', '5e-324', '2.5e-324', '1E+2', '1e+0', '1e-0', '1.7976931348623157e308', '4.9e-324', '100000000000000000000000', '0.000000000000000000000000001']);
    if (r < 0.48) return this.pick(['01', '-', '1.', '.5', '+1', '1e', '1e+', '--1', '0x10', 'NaN', 'Infinity', '-Infinity', '1_000', '1.2.3', '00', '-01', '1ee2', 'nul', 'tru']);
    if (r < 0.55) return String(this.rnd.normal() * 10 ** (this.rnd.int(40) - 20));
    if (r < 0.6) return String(this.rnd.int(MAX_EVENT_TS) + this.rnd.int(2) * MAX_EVENT_TS);
    // A composed literal: sign, integer digits, fraction, exponent.
    let s = this.chance(0.2) ? '-' : '';
    s += this.chance(0.2) ? '0' : this.digits(1 + this.rnd.int(18), true);
    if (this.chance(0.6)) s += `.${this.digits(1 + this.rnd.int(20))}`;
    if (this.chance(0.3)) s += `${this.pick(['e', 'E'])}${this.pick(['', '+', '-'])}${this.digits(1 + this.rnd.int(3))}`;
    return s;
  }

  /** A price as feeds write it: a few decimals. */
  price(): string {
    return (this.rnd.next() * this.pick([1, 100, 10_000])).toFixed(this.rnd.int(5));
  }

  keyText(): string {
    const r = this.rnd.next();
    if (r < 0.75) return this.pick(['AAPL', 'MSFT', 'BRK.B', 'X', 'SYM0001', '7203.T', 'a b', '~\x7f']);
    if (r < 0.77) return '';
    if (r < 0.8) return 'K'.repeat(200 + this.rnd.int(100));
    if (r < 0.88) return this.pick(['Äpfel', '株', '😀', 'e\u0301']);
    return `S${this.rnd.int(50)}`;
  }

  /** A JSON string literal for `text`, sometimes with escapes where none are needed. */
  stringLiteral(text: string): string {
    const r = this.rnd.next();
    if (r < 0.08) return `"${[...text].map((ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')}"`;
    if (r < 0.1) return `"${text}\\ud800"`;
    if (r < 0.12) return `"${text}\\n"`;
    if (r < 0.13) return `"${text}\t"`;
    if (r < 0.14) return `"${text}`;
    return JSON.stringify(text);
  }

  scalar(): string {
    return this.pick([
      () => this.numberText(),
      () => this.stringLiteral(this.keyText()),
      () => this.pick(['true', 'false', 'null']),
      () => this.pick(['[]', '[1,2]', '{}', '{"a":1}', '"NaN"', '"Infinity"', '"-Infinity"', '"2025-11-26T14:30:00.123Z"', '"2024-02-30T00:00:00Z"']),
    ])();
  }

  space(): string {
    const r = this.rnd.next();
    if (r < 0.85) return '';
    if (r < 0.995) return this.pick([' ', '  ', '\t', '\n', '\r\n']);
    return this.pick(['\u00a0', '\f', '\v', '\u2028']);
  }

  name(name: string): string {
    if (this.chance(0.03)) return `"${name.slice(0, 1)}\\u${name.charCodeAt(1).toString(16).padStart(4, '0')}${name.slice(2)}"`;
    if (this.chance(0.02)) return `"${name.toUpperCase()}"`;
    return `"${name}"`;
  }

  /** A payload and the message key to decode it with. */
  next(): { text: string; messageKey: string | null | undefined } {
    const key = this.keyText();
    const fields: [string, string][] = [];
    const keyName = this.chance(0.85) ? 'symbol' : 'key';
    if (this.chance(0.93)) fields.push([keyName, this.chance(0.9) ? this.stringLiteral(key) : this.scalar()]);
    if (this.chance(0.05)) fields.push([keyName === 'symbol' ? 'key' : 'symbol', this.stringLiteral(this.chance(0.5) ? key : this.keyText())]);
    if (this.chance(0.95)) fields.push(['ts', this.chance(0.8) ? String(1_700_000_000_000 + this.rnd.int(100_000_000_000)) : this.chance(0.7) ? this.numberText() : this.scalar()]);
    if (this.chance(0.95)) fields.push(['price', this.chance(0.5) ? this.price() : this.chance(0.8) ? this.numberText() : this.scalar()]);
    if (this.chance(0.8)) fields.push(['volume', this.chance(0.5) ? String(this.rnd.int(10_000)) : this.chance(0.8) ? this.numberText() : this.scalar()]);
    if (this.chance(0.2)) fields.push(['end', this.chance(0.8) ? this.pick(['true', 'false', 'null']) : this.scalar()]);
    const extras = this.rnd.int(3) === 0 ? 1 + this.rnd.int(3) : 0;
    for (let i = 0; i < extras; i++) fields.push([this.pick(['exchange', 'x', '__proto__', 'features', 'target', 'id', 'token', 'bid', '']), this.scalar()]);
    if (fields.length > 0 && this.chance(0.05)) fields.push(this.pick(fields));
    this.rnd.shuffle(fields);
    let text = `${this.space()}{${this.space()}`;
    text += fields.map(([n, v]) => `${this.name(n)}${this.space()}:${this.space()}${v}${this.space()}`).join(`,${this.space()}`);
    text += `}${this.space()}`;
    if (this.chance(0.02)) text = this.pick(['[1]', '"x"', '1', 'null', '', ' ', `${text},`, `${text}{}`, `\ufeff${text}`]);
    const r = this.rnd.next();
    const messageKey = r < 0.7 ? key : r < 0.8 ? undefined : r < 0.85 ? null : this.keyText();
    return { text, messageKey };
  }

  /** The payload's bytes, sometimes damaged: truncated, a byte changed, invalid UTF-8 inserted. */
  bytes(text: string): Buffer {
    const b = Buffer.from(text, 'utf8');
    const r = this.rnd.next();
    if (r < 0.9 || b.length === 0) return b;
    const at = this.rnd.int(b.length);
    if (r < 0.94) return b.subarray(0, at);
    if (r < 0.97) {
      const copy = Buffer.from(b);
      copy[at] = this.rnd.int(256);
      return copy;
    }
    return Buffer.concat([b.subarray(0, at), Buffer.from([this.pick([0xff, 0xc3, 0x80, 0xed, 0xf0])]), b.subarray(at)]);
  }

  options(): DecodeOptions {
    if (this.chance(0.85)) return tick;
    return {
      kind: 'tick',
      inputSize: 3,
      maxBytes: this.pick([16, 40, 64, 65_536]),
      maxKeyLength: this.pick([1, 4, 256]),
      maxAbsValue: this.pick([1, 1000, 1e15, Infinity]),
    };
  }

  maxTs(): number {
    return this.pick([MAX_EVENT_TS, MAX_EVENT_TS, 1_750_000_000_000, 1_800_000_000_000, 0, NaN, Infinity, MAX_EVENT_TS + 1]);
  }
}

describe('tick fast path (scanTick)', () => {
  it('gives the same value or the same rejection as JSON.parse and validation, for 100,000 generated payloads', () => {
    const gen = new TickPayloads(new SeededRandom(20261130));
    const into = newFields();
    let fast = 0;
    let accepted = 0;
    const reasons = new Map<string, number>();
    for (let i = 0; i < 100_000; i++) {
      const { text, messageKey } = gen.next();
      const bytes = gen.bytes(text);
      const opts = gen.options();
      const maxTs = gen.maxTs();
      const reference = expectDecodedAsReference(bytes, messageKey, opts, maxTs);
      const rejection = decodeTickInto(bytes, messageKey, opts, maxTs, into);
      const intoOutcome = rejection ? `rejected ${rejection.reason}: ${rejection.detail}` : outcome({ ok: true, event: { kind: 'tick', ...into } });
      if (intoOutcome !== outcome(reference)) expect.fail(`decodeTickInto differs on ${JSON.stringify(bytes.toString('latin1'))}: ${intoOutcome} vs ${outcome(reference)}`);
      // The same bytes read in place inside a larger buffer (a fetched record batch), bytes of JSON on either side.
      const pad = i % 5;
      const within = Buffer.concat([Buffer.from('{"a":1}'.slice(0, pad)), bytes, Buffer.from(' 1}"')]);
      const atRejection = decodeTickAt(within, pad, bytes.length, messageKey, opts, maxTs, into);
      const atOutcome = atRejection ? `rejected ${atRejection.reason}: ${atRejection.detail}` : outcome({ ok: true, event: { kind: 'tick', ...into } });
      if (atOutcome !== outcome(reference)) expect.fail(`decodeTickAt differs on ${JSON.stringify(bytes.toString('latin1'))}: ${atOutcome} vs ${outcome(reference)}`);
      if (reference.ok) accepted++;
      else reasons.set(reference.reason, (reasons.get(reference.reason) ?? 0) + 1);
      if (scansFast(bytes, messageKey, opts, maxTs)) fast++;
    }
    // The generator reaches both paths and most rejection reasons (else this test proves little).
    expect(accepted).toBeGreaterThan(10_000);
    expect(fast).toBeGreaterThan(accepted / 3);
    expect([...reasons.keys()].sort()).toEqual(
      ['bad_timestamp', 'invalid_key', 'key_mismatch', 'malformed_json', 'missing_field', 'negative_volume', 'non_finite', 'non_positive_price', 'not_an_object', 'null_key', 'oversized', 'timestamp_out_of_range', 'wrong_type'],
    );
  });

  it("gives the same value or the same rejection as JSON.parse and validation for 50,000 payloads in the producers' layout", () => {
    // {"symbol":"<key>","ts":<n>,"price":<n>,"volume":<n>} with keys, numbers and damage of every kind: the layout's byte-run match.
    const rnd = new SeededRandom(311);
    const gen = new TickPayloads(rnd);
    let fast = 0;
    let rejected = 0;
    for (let i = 0; i < 50_000; i++) {
      const key = gen.keyText();
      const ts = gen.chance(0.8) ? String(1_700_000_000_000 + rnd.int(100_000_000_000)) : gen.numberText();
      const price = gen.chance(0.7) ? gen.price() : gen.numberText();
      const volume = gen.chance(0.7) ? String(rnd.int(10_000)) : gen.chance(0.8) ? gen.numberText() : gen.pick(['null', 'true', '"1"']);
      const tail = gen.chance(0.05) ? gen.pick([',"end":true', ' ', ',"x":1', ',']) : '';
      const text = `{"symbol":${gen.chance(0.95) ? JSON.stringify(key) : gen.stringLiteral(key)},"ts":${ts},"price":${price},"volume":${volume}${tail}}`;
      const bytes = gen.bytes(text);
      const messageKey = gen.chance(0.9) ? key : gen.pick([undefined, null, 'other']);
      const opts = gen.options();
      const maxTs = gen.maxTs();
      const reference = expectDecodedAsReference(bytes, messageKey, opts, maxTs);
      if (!reference.ok) rejected++;
      if (scansFast(bytes, messageKey, opts, maxTs)) fast++;
    }
    // Both outcomes are reached often (else this test proves little).
    expect(fast).toBeGreaterThan(10_000);
    expect(rejected).toBeGreaterThan(5_000);
  });

  it('reads numbers bit for bit as JSON.parse does', () => {
    const rnd = new SeededRandom(7);
    const gen = new TickPayloads(rnd);
    const out = newFields();
    let fast = 0;
    for (let i = 0; i < 100_000; i++) {
      const x = rnd.normal() * 10 ** (rnd.int(30) - 15);
      const text = i % 3 === 0 ? String(x) : i % 3 === 1 ? x.toPrecision(1 + rnd.int(16)) : gen.numberText();
      const bytes = Buffer.from(`{"symbol":"X","ts":1,"price":1,"volume":${text}}`);
      let expected: number | undefined;
      try {
        expected = JSON.parse(text) as number;
      } catch {
        expected = undefined;
      }
      if (!scanTick(bytes, 'X', { ...tick, maxAbsValue: Infinity }, MAX_EVENT_TS, out)) continue;
      fast++;
      if (expected === undefined || !Object.is(out.volume, expected)) expect.fail(`volume ${text}: fast path read ${out.volume}, JSON.parse ${expected}`);
    }
    expect(fast).toBeGreaterThan(30_000);
  });

  it('takes the contract example and its variants without JSON.parse', () => {
    const out = newFields();
    const read = (text: string, key: string | undefined = 'AAPL') => (scanTick(Buffer.from(text), key, tick, MAX_EVENT_TS, out) ? { ...out } : undefined);
    expect(read('{"symbol":"AAPL","ts":1764167400123,"price":189.23,"volume":1200}')).toEqual({ key: 'AAPL', ts: 1764167400123, price: 189.23, volume: 1200, end: false });
    expect(read(' {\n\t"volume" : 1200 , "price":189.23,"ts":1764167400123,"symbol":"AAPL","venue":"XNAS","end":true}\r\n')).toEqual({ key: 'AAPL', ts: 1764167400123, price: 189.23, volume: 1200, end: true });
    expect(read('{"symbol":"AAPL","ts":1,"price":2}', undefined)).toEqual({ key: 'AAPL', ts: 1, price: 2, volume: 0, end: false });
    expect(read('{"ts":1,"price":2,"volume":null,"end":null}')).toEqual({ key: 'AAPL', ts: 1, price: 2, volume: 0, end: false });
  });

  it('leaves to the full path what it cannot decide', () => {
    const out = newFields();
    for (const text of [
      '{"symbol":"AAPL","ts":"2025-11-26T14:30:00Z","price":1}', // ISO ts
      '{"symbol":"A\\u0041","ts":1,"price":1}', // escape
      '{"symbol":"Äpfel","ts":1,"price":1}', // non-ASCII
      '{"symbol":"AAPL","ts":1,"price":1,"price":2}', // duplicate field
      '{"symbol":"AAPL","key":"AAPL","ts":1,"price":1}', // both key fields
      '{"symbol":"AAPL","ts":1,"price":1.2345678901234567}', // 17 digits
      '{"symbol":"AAPL","ts":1,"price":1e23}', // exponent beyond 22
      '{"symbol":"AAPL","ts":1,"price":1,"book":[1,2]}', // nested value
      '{"symbol":"AAPL","ts":1,"price":0}', // rejected
    ]) {
      expect(scanTick(Buffer.from(text), 'AAPL', tick, MAX_EVENT_TS, out), text).toBe(false);
      expect(outcome(decodeEvent(Buffer.from(text), 'AAPL', tick))).toBe(outcome(decodeEventByJsonParse(Buffer.from(text), 'AAPL', tick)));
    }
  });
});
