import { describe, expect, it } from 'vitest';
import { StateCorruptError } from '../../src/errors/state-corrupt-error.js';
import { encodedKeyStateLength, encodeKeyStateInto } from '../../src/state/key-state-codec.js';
import type { KeyState } from '../../src/state/key-state.js';
import { RecentInputs } from '../../src/state/recent-inputs.js';

/**
 * The encoder as it was written before it went through a DataView and checked the recent inputs
 * by one sum: Buffer's per-value little-endian writes, every held recent value read one by one in
 * held order. The installed encoder must give the same bytes and refuse the same states.
 */
function referenceEncode(state: KeyState, key: string): Buffer {
  const ctx = { key };
  const recent = state.recent && state.recent.count > 0 ? state.recent : undefined;
  const versionBytes = Buffer.byteLength(state.modelVersion, 'utf8');
  const recentBytes = recent ? 8 + 8 * recent.count * recent.stride : 0;
  const out = Buffer.alloc(1 + 2 + 8 + 8 + 4 + 4 + versionBytes + 4 * state.hidden.length + 8 * state.memory.length + recentBytes);
  let p = out.writeUInt8(recent ? 2 : 1, 0);
  p = out.writeUInt16LE(versionBytes, p);
  p += out.write(state.modelVersion, p, 'utf8');
  for (const v of [state.step, state.lastOffset]) {
    const hi = Math.floor(v / 2 ** 32);
    p = out.writeUInt32LE(v - hi * 2 ** 32, p);
    p = out.writeInt32LE(hi, p);
  }
  p = out.writeUInt32LE(state.hidden.length, p);
  for (let i = 0; i < state.hidden.length; i++) {
    if (!Number.isFinite(state.hidden[i])) throw new StateCorruptError(`hidden[${i}] is ${state.hidden[i]}; refusing to store a non-finite state`, ctx);
    p = out.writeFloatLE(state.hidden[i], p);
  }
  p = out.writeUInt32LE(state.memory.length, p);
  for (let i = 0; i < state.memory.length; i++) {
    if (!Number.isFinite(state.memory[i])) throw new StateCorruptError(`memory[${i}] is ${state.memory[i]}; refusing to store a non-finite state`, ctx);
    p = out.writeDoubleLE(state.memory[i], p);
  }
  if (recent) {
    p = out.writeUInt32LE(recent.stride, p);
    p = out.writeUInt32LE(recent.count, p);
    for (let i = 0; i < recent.count; i++) {
      const at = recent.offsetOf(i);
      for (let j = 0; j < recent.stride; j++) {
        const v = recent.data[at + j];
        if (!Number.isFinite(v)) throw new StateCorruptError(`recent input ${i} field ${j} is ${v}; refusing to store a non-finite state`, ctx);
        p = out.writeDoubleLE(v, p);
      }
    }
  }
  return out;
}

/** Deterministic generator (xorshift32). */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

const VERSIONS = ['v1', '9f3c2a1b7e', 'modèle-€-𝄞', ''];
const SPECIAL = [0, -0, 5e-324, -1.2e-310, 1.17549435e-38, 3.4028234663852886e38, -1e300, 0.1];

function randomState(next: () => number): KeyState {
  const value = (): number => (next() < 0.15 ? SPECIAL[Math.floor(next() * SPECIAL.length)] : (next() - 0.5) * 10 ** Math.floor(next() * 12 - 6));
  const float32 = (): number => {
    const v = Math.fround(value());
    return Number.isFinite(v) ? v : 1;
  };
  const hidden = Float32Array.from({ length: [1, 32, 33, 64][Math.floor(next() * 4)] }, float32);
  const memory = Float64Array.from({ length: [3, 6][Math.floor(next() * 2)] }, value);
  const step = next() < 0.1 ? Number.MAX_SAFE_INTEGER : Math.floor(next() * 2 ** Math.floor(next() * 53));
  const lastOffset = next() < 0.1 ? -1 : Math.floor(next() * 2 ** Math.floor(next() * 53));
  const state: KeyState = { hidden, memory, step, lastOffset, modelVersion: VERSIONS[Math.floor(next() * VERSIONS.length)] };
  if (next() < 0.8) {
    const stride = [2, 3, 4, 7][Math.floor(next() * 4)];
    const recent = new RecentInputs(1 + Math.floor(next() * 64), stride);
    // Pushed from zero to well past the capacity: empty, partly held, full and wrapped rings.
    const pushes = Math.floor(next() * 3 * recent.capacity);
    for (let i = 0; i < pushes; i++) recent.pushRaw(Array.from({ length: stride }, value));
    state.recent = recent;
  }
  return state;
}

describe('key state codec: the encoder against the per-value reference', () => {
  it('writes the reference bytes for seeded states, back to back in one buffer and in a pooled one', () => {
    const next = rng(17);
    for (let round = 0; round < 60; round++) {
      const states = Array.from({ length: 25 }, () => randomState(next));
      let size = 7;
      for (const s of states) size += encodedKeyStateLength(s);
      // Even rounds: all states back to back in one buffer. Odd rounds: each state in its own
      // Buffer.allocUnsafe, which for small states is a view inside Node's shared pool.
      const shared = Buffer.allocUnsafe(size);
      let at = 7;
      for (const [i, s] of states.entries()) {
        const expected = referenceEncode(s, `k${i}`);
        expect(encodedKeyStateLength(s)).toBe(expected.length);
        const out = round % 2 === 0 ? shared : Buffer.allocUnsafe(expected.length + 3);
        const from = round % 2 === 0 ? at : 3;
        const end = encodeKeyStateInto(s, out, from, `k${i}`);
        expect(out.subarray(from, end).equals(expected), `round ${round} state ${i}`).toBe(true);
        at = end;
      }
    }
  });

  it('refuses the states the reference refuses, with the same message, wherever the non-finite value sits', () => {
    const next = rng(23);
    let refused = 0;
    for (let n = 0; n < 400; n++) {
      const state = randomState(next);
      const where = Math.floor(next() * 3);
      const bad = [Number.NaN, Infinity, -Infinity][n % 3];
      if (where === 0) state.hidden[Math.floor(next() * state.hidden.length)] = bad;
      else if (where === 1) state.memory[Math.floor(next() * state.memory.length)] = bad;
      else if (state.recent && state.recent.count > 0) state.recent.data[state.recent.offsetOf(Math.floor(next() * state.recent.count)) + Math.floor(next() * state.recent.stride)] = bad;
      else continue;
      let expected = '';
      try {
        referenceEncode(state, 'KEY');
      } catch (error) {
        expected = (error as Error).message;
      }
      expect(expected).not.toBe('');
      let actual: unknown;
      try {
        encodeKeyStateInto(state, Buffer.alloc(encodedKeyStateLength(state)), 0, 'KEY');
      } catch (error) {
        actual = error;
      }
      expect(actual).toBeInstanceOf(StateCorruptError);
      expect((actual as Error).message).toBe(expected);
      refused++;
    }
    expect(refused).toBeGreaterThan(300);
  });
});
