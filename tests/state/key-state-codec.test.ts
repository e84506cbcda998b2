import { FEATURE_MEMORY_SIZE } from '../../src/features/feature-memory.js';
import { describe, expect, it } from 'vitest';
import { StateCorruptError } from '../../src/errors/state-corrupt-error.js';
import { decodeKeyState, encodedKeyStateLength, encodeKeyState, encodeKeyStateInto } from '../../src/state/key-state-codec.js';
import type { KeyState } from '../../src/state/key-state.js';

function state(overrides: Partial<KeyState> = {}): KeyState {
  return {
    hidden: Float32Array.from([1.5, -2]),
    memory: Float64Array.from([100.25, 1_700_000_000_000, 1]),
    step: 3,
    modelVersion: 'v1',
    lastOffset: 41,
    ...overrides,
  };
}

/** The layout of docs/state.md, written out by hand. */
function handEncoded(): Buffer {
  const b = Buffer.alloc(1 + 2 + 2 + 8 + 8 + 4 + 8 + 4 + 24);
  let p = b.writeUInt8(1, 0);
  p = b.writeUInt16LE(2, p);
  p += b.write('v1', p, 'latin1');
  p = b.writeUInt32LE(3, p) + 4; // step lo, hi = 0
  p = b.writeUInt32LE(41, p) + 4; // lastOffset lo, hi = 0
  p = b.writeUInt32LE(2, p);
  p = b.writeFloatLE(1.5, p);
  p = b.writeFloatLE(-2, p);
  p = b.writeUInt32LE(3, p);
  p = b.writeDoubleLE(100.25, p);
  p = b.writeDoubleLE(1_700_000_000_000, p);
  b.writeDoubleLE(1, p);
  return b;
}

function bytesOf(a: Float32Array | Float64Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

function randomFloats(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    out[i] = ((s / 2147483648) - 0.5) * 10 ** ((i % 12) - 6);
  }
  return out;
}

describe('key state codec', () => {
  it('writes the documented little-endian layout', () => {
    expect(encodeKeyState(state())).toEqual(handEncoded());
    expect(encodedKeyStateLength(state())).toBe(handEncoded().length);
  });

  it('reads a state written with the 3-slot memory of older builds, the outcome slots at 0', () => {
    const legacy = encodeKeyState(state({ memory: Float64Array.from([100.25, 1_700_000_000_000, 1]) }));
    const decoded = decodeKeyState(legacy, { key: 'AAPL' });
    expect(Array.from(decoded.memory)).toEqual([100.25, 1_700_000_000_000, 1, 0, 0, 0]);
    expect(decoded.memory.length).toBe(FEATURE_MEMORY_SIZE);
    expect(encodeKeyState(decoded).length).toBe(legacy.length + 8 * (FEATURE_MEMORY_SIZE - 3));
  });

  it('round-trips hidden and memory bit for bit, including -0 and subnormals', () => {
    const hidden = randomFloats(64, 7);
    hidden[0] = -0;
    hidden[1] = 1e-45;
    hidden[2] = 3.4028234663852886e38;
    const memory = Float64Array.from([Math.PI, -0, 5e-324, 1_764_167_400_123]);
    const decoded = decodeKeyState(encodeKeyState(state({ hidden, memory })), { key: 'AAPL' });
    expect(bytesOf(decoded.hidden)).toEqual(bytesOf(hidden));
    expect(bytesOf(decoded.memory)).toEqual(bytesOf(memory));
    expect(Object.is(decoded.hidden[0], -0)).toBe(true);
  });

  it('round-trips step, lastOffset and modelVersion, including offsets beyond 32 bits and -1', () => {
    for (const [step, lastOffset] of [[0, -1], [2 ** 32 + 5, 2 ** 40 + 3], [Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER]]) {
      const decoded = decodeKeyState(encodeKeyState(state({ step, lastOffset, modelVersion: 'gru-ß-2' })), { key: 'k' });
      expect(decoded).toMatchObject({ step, lastOffset, modelVersion: 'gru-ß-2' });
    }
  });

  it('is deterministic: equal states give equal bytes', () => {
    expect(encodeKeyState(state())).toEqual(encodeKeyState(state()));
  });

  it('encodes into a caller-given buffer at an offset and returns the end', () => {
    const out = Buffer.alloc(5 + encodedKeyStateLength(state()));
    const end = encodeKeyStateInto(state(), out, 5);
    expect(end).toBe(out.length);
    expect(out.subarray(5)).toEqual(handEncoded());
  });

  it('decodes from a view into a larger buffer', () => {
    const big = Buffer.concat([Buffer.from([9, 9, 9]), handEncoded()]);
    expect(decodeKeyState(big.subarray(3), { key: 'k' }).hidden).toEqual(Float32Array.from([1.5, -2]));
  });

  it.each([
    ['NaN in hidden', state({ hidden: Float32Array.from([NaN]) }), /hidden\[0\] is NaN/],
    ['Infinity in memory', state({ memory: Float64Array.from([0, Infinity]) }), /memory\[1\] is Infinity/],
    ['a fractional step', state({ step: 1.5 }), /step is 1.5/],
    ['a lastOffset below -1', state({ lastOffset: -2 }), /lastOffset is -2/],
  ])('refuses to encode %s, naming the key', (_what, bad, message) => {
    const error = captureError(() => encodeKeyState(bad, 'MSFT'));
    expect(error).toBeInstanceOf(StateCorruptError);
    expect((error as StateCorruptError).key).toBe('MSFT');
    expect((error as Error).message).toMatch(message);
  });

  it('rejects every truncation of a valid encoding', () => {
    const full = handEncoded();
    for (let n = 0; n < full.length; n++) {
      expect(() => decodeKeyState(full.subarray(0, n), { key: 'k' }), `length ${n}`).toThrow(StateCorruptError);
    }
  });

  it('rejects trailing bytes, another format version and a stored NaN, with key and partition', () => {
    const ctx = { key: 'AAPL', topic: 'ticks', partition: 7 };
    const trailing = Buffer.concat([handEncoded(), Buffer.from([0])]);
    const version = Buffer.from(handEncoded()).fill(3, 0, 1);
    const nan = handEncoded();
    nan.writeUInt32LE(0x7fc00000, 1 + 2 + 2 + 16 + 4);
    for (const [bytes, message] of [[trailing, /trailing|left/], [version, /format version 3/], [nan, /hidden\[0\] is NaN/]] as const) {
      const error = captureError(() => decodeKeyState(bytes, ctx)) as StateCorruptError;
      expect(error).toBeInstanceOf(StateCorruptError);
      expect(error).toMatchObject({ key: 'AAPL', topic: 'ticks', partition: 7, retriable: false });
      expect(error.message).toMatch(message);
      expect(error.message).toContain('ticks[7]');
    }
  });
});

function captureError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}
