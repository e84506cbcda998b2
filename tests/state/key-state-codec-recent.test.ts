import { describe, expect, it } from 'vitest';
import { StateCorruptError } from '../../src/errors/state-corrupt-error.js';
import { decodeKeyState, encodedKeyStateLength, encodeKeyState, encodeKeyStateInto } from '../../src/state/key-state-codec.js';
import type { KeyState } from '../../src/state/key-state.js';
import { RecentInputs } from '../../src/state/recent-inputs.js';

function tick(ts: number, price: number, volume: number, end = false) {
  return { kind: 'tick' as const, key: 'AAPL', ts, price, volume, end };
}

function stateWith(recent: RecentInputs | undefined): KeyState {
  return { hidden: Float32Array.from([0.5]), memory: Float64Array.from([1, 2, 1]), step: 9, modelVersion: 'v2', lastOffset: 8, ...(recent ? { recent } : {}) };
}

describe('key state codec: recent inputs (format 2)', () => {
  it('writes format 2 with stride, count and the events oldest first, by the documented layout', () => {
    const recent = new RecentInputs(2, 4);
    recent.push(tick(1, 10, 0));
    recent.push(tick(2, 11, 5, true));
    recent.push(tick(3, 12.5, 7));
    const bytes = encodeKeyState(stateWith(recent));
    const v1 = encodeKeyState(stateWith(undefined));
    expect(bytes[0]).toBe(2);
    expect(v1[0]).toBe(1);
    // Same fields as format 1 after the version byte, then stride 4, count 2, 2 x 4 float64.
    expect(bytes.subarray(1, v1.length)).toEqual(v1.subarray(1));
    const tail = bytes.subarray(v1.length);
    expect(tail.readUInt32LE(0)).toBe(4);
    expect(tail.readUInt32LE(4)).toBe(2);
    expect([0, 1, 2, 3, 4, 5, 6, 7].map((i) => tail.readDoubleLE(8 + 8 * i))).toEqual([2, 1, 11, 5, 3, 0, 12.5, 7]);
    expect(encodedKeyStateLength(stateWith(recent))).toBe(bytes.length);
  });

  it('round-trips the recent events, oldest first, with their flags', () => {
    const recent = new RecentInputs(3, 3);
    for (let i = 0; i < 5; i++) recent.push({ kind: 'token', key: 'k', ts: 100 + i, id: i, unknown: i === 3, end: i === 4 });
    const decoded = decodeKeyState(encodeKeyState(stateWith(recent)), { key: 'k' });
    expect(decoded.recent?.count).toBe(3);
    expect([0, 1, 2].map((i) => decoded.recent?.event(i, 'k', 'token'))).toEqual([
      { kind: 'token', key: 'k', ts: 102, id: 2, unknown: false, end: false },
      { kind: 'token', key: 'k', ts: 103, id: 3, unknown: true, end: false },
      { kind: 'token', key: 'k', ts: 104, id: 4, unknown: false, end: true },
    ]);
  });

  it('writes the held entries only, oldest first, wherever in a larger buffer the state goes', () => {
    for (const pushes of [1, 3, 4, 7, 12]) {
      const recent = new RecentInputs(4, 4);
      for (let i = 0; i < pushes; i++) recent.push(tick(i, 100 + i, i * 2, i % 3 === 0));
      const alone = encodeKeyState(stateWith(recent));
      const held = Math.min(pushes, 4);
      const tail = alone.subarray(alone.length - 8 * 4 * held);
      const expected = Array.from({ length: held }, (_, n) => pushes - held + n).flatMap((i) => [i, i % 3 === 0 ? 1 : 0, 100 + i, i * 2]);
      expect(Array.from({ length: 4 * held }, (_, i) => tail.readDoubleLE(8 * i)), `${pushes} pushes`).toEqual(expected);
      const big = Buffer.alloc(alone.length + 37, 0xee);
      expect(encodeKeyStateInto(stateWith(recent), big, 13)).toBe(13 + alone.length);
      expect(big.subarray(13, 13 + alone.length).equals(alone)).toBe(true);
      expect(big[12]).toBe(0xee);
      expect(big[13 + alone.length]).toBe(0xee);
    }
  });

  it('reports a stored non-finite recent input as corruption naming the entry and field', () => {
    const recent = new RecentInputs(2, 4);
    recent.push(tick(1, 10, 0));
    recent.push(tick(2, 11, 3));
    const bytes = encodeKeyState(stateWith(recent));
    bytes.writeDoubleLE(Number.NaN, bytes.length - 8 * 2);
    expect(() => decodeKeyState(bytes, { key: 'MSFT' })).toThrow(/recent input 1 field 2 is NaN/);
  });

  it('writes a state without recent events in format 1, as builds before format 2 did', () => {
    const empty = new RecentInputs(4, 4);
    expect(encodeKeyState(stateWith(empty))).toEqual(encodeKeyState(stateWith(undefined)));
    expect(decodeKeyState(encodeKeyState(stateWith(undefined)), { key: 'k' }).recent).toBeUndefined();
  });

  it('reports truncated or inconsistent recent inputs as corruption naming the key', () => {
    const recent = new RecentInputs(2, 4);
    recent.push(tick(1, 10, 0));
    const full = encodeKeyState(stateWith(recent));
    for (const n of [full.length - 1, full.length - 8, full.length - 33]) {
      expect(() => decodeKeyState(full.subarray(0, n), { key: 'MSFT' }), `length ${n}`).toThrow(StateCorruptError);
    }
    expect(() => decodeKeyState(Buffer.concat([full, Buffer.alloc(8)]), { key: 'MSFT' })).toThrow(/recent inputs/);
  });

  it('refuses to store a non-finite recent input', () => {
    const recent = new RecentInputs(2, 4);
    recent.push(tick(1, Number.NaN, 0));
    expect(() => encodeKeyState(stateWith(recent), 'MSFT')).toThrow(StateCorruptError);
  });

  describe('states stored by earlier builds', () => {
    /** Bytes laid out by hand from docs/state.md, not by the encoder. */
    function handWritten(format: 1 | 2, memory: number[], recent?: { stride: number; events: number[][] }): Buffer {
      const parts: Buffer[] = [];
      const u8 = Buffer.alloc(1);
      u8.writeUInt8(format);
      parts.push(u8);
      const version = Buffer.from('gru-v1', 'utf8');
      const len = Buffer.alloc(2);
      len.writeUInt16LE(version.length);
      parts.push(len, version);
      const i64 = (v: number) => {
        const b = Buffer.alloc(8);
        b.writeUInt32LE(v, 0);
        b.writeInt32LE(v < 0 ? -1 : 0, 4);
        return b;
      };
      parts.push(i64(12), i64(40));
      const hidden = Buffer.alloc(4 + 8);
      hidden.writeUInt32LE(2, 0);
      hidden.writeFloatLE(0.25, 4);
      hidden.writeFloatLE(-0.5, 8);
      parts.push(hidden);
      const mem = Buffer.alloc(4 + 8 * memory.length);
      mem.writeUInt32LE(memory.length, 0);
      memory.forEach((v, i) => mem.writeDoubleLE(v, 4 + 8 * i));
      parts.push(mem);
      if (recent) {
        const head = Buffer.alloc(8);
        head.writeUInt32LE(recent.stride, 0);
        head.writeUInt32LE(recent.events.length, 4);
        parts.push(head);
        for (const e of recent.events) {
          const b = Buffer.alloc(8 * e.length);
          e.forEach((v, i) => b.writeDoubleLE(v, 8 * i));
          parts.push(b);
        }
      }
      return Buffer.concat(parts);
    }
    const sixSlots = [101.5, 1_700_000_000_000, 1, 0.0125, 7, 0.0004];

    it('reads the format-1 state with the 6-slot memory (what the live-quality build writes) and writes it back byte for byte', () => {
      const bytes = handWritten(1, sixSlots);
      const s = decodeKeyState(bytes, { key: 'AAPL' });
      expect([...s.memory]).toEqual(sixSlots);
      expect([...s.hidden]).toEqual([0.25, -0.5]);
      expect([s.modelVersion, s.step, s.lastOffset, s.recent]).toEqual(['gru-v1', 12, 40, undefined]);
      expect(encodeKeyState(s).equals(bytes)).toBe(true);
    });

    it('reads a format-2 state with the 6-slot memory and with the 3-slot memory (outcome slots at 0)', () => {
      const events = [[1, 0, 100, 2], [2, 1, 101, 3]];
      const six = decodeKeyState(handWritten(2, sixSlots, { stride: 4, events }), { key: 'AAPL' });
      expect([...six.memory]).toEqual(sixSlots);
      expect([0, 1].map((i) => six.recent?.event(i, 'AAPL', 'tick'))).toEqual([
        { kind: 'tick', key: 'AAPL', ts: 1, end: false, price: 100, volume: 2 },
        { kind: 'tick', key: 'AAPL', ts: 2, end: true, price: 101, volume: 3 },
      ]);
      const three = decodeKeyState(handWritten(2, [101.5, 5, 1], { stride: 4, events }), { key: 'AAPL' });
      expect([...three.memory]).toEqual([101.5, 5, 1, 0, 0, 0]);
      expect(three.recent?.count).toBe(2);
    });
  });
});
