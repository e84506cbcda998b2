import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadModel } from '../../src/model/load-model.js';
import { parseSafetensors, serializeSafetensors } from '../../src/model/safetensors.js';
import { saveModel } from '../../src/model/save-model.js';
import { RESAVED_CASES, SEEDED_CASES, resavedModel, seededModel } from '../fixtures/parity/saved-cases.js';
import { deviation, manifestPath, PARITY_DIR, readIo, runModel } from './parity-fixtures.js';

const SAVED_DIR = join(PARITY_DIR, 'saved');

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rnn-stream-st-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The header JSON of a safetensors file, read independently of parseSafetensors. */
function rawHeader(bytes: Uint8Array): { length: number; text: string } {
  const length = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
  return { length, text: Buffer.from(bytes.subarray(8, 8 + length)).toString('utf-8') };
}

describe('serializeSafetensors / parseSafetensors', () => {
  const tensors = new Map([
    ['b', { shape: [2, 3], data: Float32Array.of(1, -2, 3.5, 1e-30, -0, 65504) }],
    ['a', { shape: [3], data: Float64Array.of(Math.PI, -1e300, 2 ** -1074) }],
    ['empty', { shape: [0, 4], data: new Float32Array(0) }],
  ]);

  it('round-trips names in order, dtypes, shapes, values and metadata', () => {
    const parsed = parseSafetensors(serializeSafetensors(tensors, { format: 'pt', note: 'x' }));
    expect([...parsed.tensors.keys()]).toEqual(['b', 'a', 'empty']);
    for (const [name, t] of tensors) {
      const back = parsed.tensors.get(name)!;
      expect(back.dtype).toBe(t.data instanceof Float64Array ? 'F64' : 'F32');
      expect(back.shape).toEqual(t.shape);
      expect(back.data).toEqual(t.data);
    }
    expect(Object.is(parsed.tensors.get('b')!.data[4], -0)).toBe(true);
    expect(parsed.metadata).toEqual({ format: 'pt', note: 'x' });
  });

  it('writes the layout safetensors specifies: padded header, packed little-endian data', () => {
    const bytes = serializeSafetensors(tensors, { format: 'pt' });
    const { length, text } = rawHeader(bytes);
    expect(length % 8).toBe(0);
    expect(text).toMatch(/^\{.*\} *$/);
    const header = JSON.parse(text) as Record<string, { dtype: string; data_offsets: number[] }>;
    expect(header.__metadata__).toEqual({ format: 'pt' });
    expect(header.b).toEqual({ dtype: 'F32', shape: [2, 3], data_offsets: [0, 24] });
    expect(header.a).toEqual({ dtype: 'F64', shape: [3], data_offsets: [24, 48] });
    expect(header.empty).toEqual({ dtype: 'F32', shape: [0, 4], data_offsets: [48, 48] });
    expect(bytes.length).toBe(8 + length + 48);
    const data = new DataView(bytes.buffer, 8 + length);
    expect(data.getFloat32(8, true)).toBe(3.5);
    expect(data.getFloat64(24, true)).toBe(Math.PI);
  });

  it('rejects a tensor whose shape does not match its values', () => {
    const bad = new Map([['w', { shape: [2, 2], data: new Float32Array(3) }]]);
    expect(() => serializeSafetensors(bad)).toThrow('tensor w: shape [2,2] does not match 3 values');
  });

  it('reads tensors from a Node Buffer that is a view into a larger allocation', () => {
    const bytes = serializeSafetensors(tensors);
    // A Buffer whose memory starts 3 bytes into its ArrayBuffer, like pooled or sliced reads.
    const whole = Buffer.alloc(bytes.length + 3, 9);
    whole.set(bytes, 3);
    const view = whole.subarray(3);
    expect(view.byteOffset).toBe(3);
    const parsed = parseSafetensors(view);
    expect(parsed.tensors.get('b')!.data).toEqual(tensors.get('b')!.data);
    expect(parsed.tensors.get('a')!.data).toEqual(tensors.get('a')!.data);
  });

  it('returns copies: later changes to the source bytes do not reach parsed tensors', () => {
    const bytes = serializeSafetensors(tensors);
    const parsed = parseSafetensors(bytes);
    bytes.fill(0xff, 8 + rawHeader(bytes).length);
    expect(parsed.tensors.get('b')!.data).toEqual(tensors.get('b')!.data);
  });
});

describe('saveModel', () => {
  it('writes a PyTorch-loaded model to files that reload to identical tensors', async () => {
    const source = await loadModel(manifestPath('lstm-l2-i8h32o1'));
    const saved = await saveModel(dir, { name: 'copy' }, source.model);
    const copy = await loadModel(saved.manifestPath);
    expect(copy.model.spec).toMatchObject({ cell: 'lstm', inputSize: 8, hiddenSize: 32, numLayers: 2, outputSize: 1 });
    const ours = parseSafetensors(await readFile(saved.weightsPath));
    const torch = parseSafetensors(await readFile(join(PARITY_DIR, 'lstm-l2-i8h32o1.safetensors')));
    expect([...ours.tensors.keys()].sort()).toEqual([...torch.tensors.keys()].sort());
    for (const [name, t] of torch.tensors) {
      const mine = ours.tensors.get(name)!;
      expect(mine.shape, name).toEqual(t.shape);
      expect(mine.dtype, name).toBe('F32');
      expect(mine.data, name).toEqual(t.data);
    }
    expect(ours.metadata).toEqual({ format: 'pt' });
  });

  it('writes a manifest that loads and names the weights relative to itself', async () => {
    const saved = await saveModel(join(dir, 'nested'), { name: 'm', version: 'v1' }, seededModel(SEEDED_CASES[0]));
    const manifest = JSON.parse(await readFile(saved.manifestPath, 'utf-8')) as Record<string, unknown>;
    expect(manifest).toMatchObject({ format: 'rnn-stream.model/v1', name: 'm', version: 'v1', weights: 'm.safetensors' });
    expect((await loadModel(saved.manifestPath)).version).toBe('v1');
  });

  it.each(SEEDED_CASES.map((c) => c.name))('still writes the PyTorch-verified bytes of %s', async (name) => {
    const c = SEEDED_CASES.find((s) => s.name === name)!;
    const saved = await saveModel(dir, { name }, seededModel(c));
    expect(await readFile(saved.weightsPath)).toEqual(await readFile(join(SAVED_DIR, `${name}.safetensors`)));
    expect(await readFile(saved.manifestPath, 'utf-8')).toBe(await readFile(join(SAVED_DIR, `${name}.json`), 'utf-8'));
  });

  it.each(RESAVED_CASES.map((c) => c.name))('still writes the PyTorch-verified bytes of %s', async (name) => {
    const c = RESAVED_CASES.find((s) => s.name === name)!;
    const saved = await saveModel(dir, { name }, await resavedModel(PARITY_DIR, c.source));
    expect(await readFile(saved.weightsPath)).toEqual(await readFile(join(SAVED_DIR, `${name}.safetensors`)));
  });

  it.each([...SEEDED_CASES, ...RESAVED_CASES].map((c) => c.name))(
    '%s: files we wrote, run by PyTorch, give the outputs we compute (1e-5)',
    async (name) => {
      const io = readIo(name, SAVED_DIR);
      const { model } = await loadModel(manifestPath(name, SAVED_DIR));
      const run = runModel(model, io.inputs);
      expect(deviation(run, io.outputs, io.h_n, io.c_n)).toBeLessThanOrEqual(1e-5);
    },
  );
});
