import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ModelFormatError, RnnStreamError } from '../../src/errors/index.js';
import { loadModel } from '../../src/model/load-model.js';
import { tensorShapes, type ModelSpec } from '../../src/model/model-spec.js';
import { rawSafetensors, validTensors, weightsBytes } from './weights-bytes.js';

const SPEC: ModelSpec = { cell: 'gru', inputSize: 3, hiddenSize: 8, numLayers: 2, outputSize: 2 };
const MINIMAL = {
  format: 'rnn-stream.model/v1',
  name: 'x',
  cell: 'gru',
  inputSize: 3,
  hiddenSize: 8,
  numLayers: 2,
  outputSize: 2,
  weights: 'x.safetensors',
};

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rnn-stream-load-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Writes a manifest (and optionally its weights) into the temp dir; returns the manifest path. */
async function writeModel(manifest: unknown, weights?: Uint8Array): Promise<string> {
  const path = join(dir, 'x.json');
  await writeFile(path, typeof manifest === 'string' ? manifest : JSON.stringify(manifest));
  if (weights) await writeFile(join(dir, 'x.safetensors'), weights);
  return path;
}

/** Loads and returns the ModelFormatError thrown; fails the test if loading succeeds. */
async function loadError(manifest: unknown, weights?: Uint8Array): Promise<ModelFormatError> {
  const path = await writeModel(manifest, weights);
  const err = await loadModel(path).then(
    () => expect.fail('loadModel succeeded'),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ModelFormatError);
  expect(err).toBeInstanceOf(RnnStreamError);
  expect((err as ModelFormatError).retriable).toBe(false);
  return err as ModelFormatError;
}

/** The valid tensors of SPEC with `name` declared as `dtype` of `width` bytes per value. */
function withDtype(name: string, dtype: string, width: number): Uint8Array {
  const header: Record<string, unknown> = {};
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const [tname, t] of validTensors(SPEC)) {
    const bytes = tname === name ? new Uint8Array(t.data.length * width) : new Uint8Array(t.data.buffer);
    header[tname] = { dtype: tname === name ? dtype : 'F32', shape: t.shape, data_offsets: [offset, offset + bytes.length] };
    chunks.push(bytes);
    offset += bytes.length;
  }
  const data = new Uint8Array(offset);
  chunks.reduce((pos, c) => (data.set(c, pos), pos + c.length), 0);
  return rawSafetensors(JSON.stringify(header), data);
}

describe('loadModel', () => {
  it('accepts the minimal manifest and fills in the defaults', async () => {
    const weights = weightsBytes(SPEC);
    const loaded = await loadModel(await writeModel(MINIMAL, weights));
    expect(loaded.model.spec).toMatchObject(SPEC);
    expect(loaded.model.stateSize).toBe(16);
    expect(loaded.manifest.features).toEqual({ kind: 'vector' });
    expect(loaded.manifest.outputMode).toBe('many_to_many');
    expect(loaded.weightsPath).toBe(join(dir, 'x.safetensors'));
    expect(loaded.model.params.headBias).toEqual(validTensors(SPEC).get('head.bias')!.data);
  });

  it('defaults the version to the first 12 hex digits of the weights file SHA-256', async () => {
    const weights = weightsBytes(SPEC);
    const loaded = await loadModel(await writeModel(MINIMAL, weights));
    expect(loaded.version).toBe(createHash('sha256').update(weights).digest('hex').slice(0, 12));
    expect(loaded.version).toMatch(/^[0-9a-f]{12}$/);
  });

  it('uses the manifest version when one is given', async () => {
    const loaded = await loadModel(await writeModel({ ...MINIMAL, version: 'v7' }, weightsBytes(SPEC)));
    expect(loaded.version).toBe('v7');
  });

  it('names a missing tensor', async () => {
    const err = await loadError(MINIMAL, weightsBytes(SPEC, (t) => t.delete('rnn.bias_hh_l1')));
    expect(err.tensor).toBe('rnn.bias_hh_l1');
    expect(err.file).toBe(join(dir, 'x.safetensors'));
    expect(err.message).toContain('tensor rnn.bias_hh_l1: missing tensor');
  });

  it('names an extra tensor and lists the expected ones', async () => {
    const extra = { shape: [24, 8], data: new Float32Array(192) };
    const err = await loadError(MINIMAL, weightsBytes(SPEC, (t) => t.set('rnn.weight_ih_l2', extra)));
    expect(err.tensor).toBe('rnn.weight_ih_l2');
    expect(err.message).toContain('unexpected tensor for a 2-layer gru model');
    for (const { name } of tensorShapes(SPEC)) expect(err.message).toContain(name);
  });

  it('names a tensor of the wrong shape with both shapes', async () => {
    const wide = { shape: [2, 9], data: new Float32Array(18) };
    const err = await loadError(MINIMAL, weightsBytes(SPEC, (t) => t.set('head.weight', wide)));
    expect(err.tensor).toBe('head.weight');
    expect(err.message).toContain('shape [2, 9], expected [2, 8]');
  });

  it('rejects weights made for another input size, naming weight_ih_l0', async () => {
    const err = await loadError({ ...MINIMAL, inputSize: 4 }, weightsBytes(SPEC));
    expect(err.tensor).toBe('rnn.weight_ih_l0');
    expect(err.message).toContain('shape [24, 3], expected [24, 4]');
  });

  it.each([
    ['F16', 2],
    ['I64', 8],
    ['BF16', 2],
  ])('rejects dtype %s, naming the tensor', async (dtype, width) => {
    const err = await loadError(MINIMAL, withDtype('rnn.weight_hh_l0', dtype, width));
    expect(err.tensor).toBe('rnn.weight_hh_l0');
    expect(err.message).toContain(`dtype ${dtype} is not supported (expected F32 or F64)`);
  });

  it.each([
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['-Infinity', Number.NEGATIVE_INFINITY],
  ])('rejects a %s value, naming the tensor and the index', async (label, value) => {
    const err = await loadError(MINIMAL, weightsBytes(SPEC, (t) => (t.get('rnn.bias_ih_l1')!.data[5] = value)));
    expect(err.tensor).toBe('rnn.bias_ih_l1');
    expect(err.message).toContain(`value ${label} at index 5 is not finite in float32`);
  });

  it('rejects a float64 value that overflows float32', async () => {
    const err = await loadError(
      MINIMAL,
      weightsBytes(SPEC, (t) => {
        const data = Float64Array.from(t.get('head.bias')!.data);
        data[1] = 1e300;
        t.set('head.bias', { shape: [2], data });
      }),
    );
    expect(err.tensor).toBe('head.bias');
    expect(err.message).toContain('value 1e+300 at index 1 is not finite in float32');
  });

  it('rejects a truncated file, naming the tensor whose data is cut off', async () => {
    const whole = weightsBytes(SPEC);
    const err = await loadError(MINIMAL, whole.subarray(0, whole.length - 3));
    expect(err.tensor).toBe('head.bias');
    expect(err.message).toMatch(/data_offsets \[\d+, \d+\] do not hold 2 F32 values within \d+ data bytes/);
  });

  it('rejects a file shorter than its header length', async () => {
    const err = await loadError(MINIMAL, weightsBytes(SPEC).subarray(0, 40));
    expect(err.message).toMatch(/header length \d+ exceeds the file \(40 bytes\)/);
  });

  it('rejects a file too short to hold the header length', async () => {
    const err = await loadError(MINIMAL, new Uint8Array(5));
    expect(err.message).toContain('file too short for a safetensors header');
  });

  it('rejects a header that is not JSON', async () => {
    const err = await loadError(MINIMAL, rawSafetensors('{"head.bias": {"dtype": "F32",', new Uint8Array(8)));
    expect(err.message).toContain('header is not valid UTF-8 JSON');
    expect(err.cause).toBeInstanceOf(SyntaxError);
  });

  it('rejects a header that is JSON but not an object', async () => {
    const err = await loadError(MINIMAL, rawSafetensors('[1, 2]  ', new Uint8Array(0)));
    expect(err.message).toContain('header is not a JSON object');
  });

  it('reports a weights file that does not exist, with its resolved path', async () => {
    const err = await loadError({ ...MINIMAL, weights: 'nowhere/y.safetensors' });
    expect(err.file).toBe(join(dir, 'nowhere', 'y.safetensors'));
    expect(err.message).toContain('cannot read weights file named by the manifest');
    expect((err.cause as NodeJS.ErrnoException).code).toBe('ENOENT');
  });

  it('reports a manifest that does not exist', async () => {
    const err = await loadModel(join(dir, 'absent.json')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelFormatError);
    expect((err as ModelFormatError).message).toContain('cannot read manifest');
  });

  it('reports a manifest that is not JSON', async () => {
    const err = await loadError('{"format": ');
    expect(err.file).toBe(join(dir, 'x.json'));
    expect(err.message).toBe(`${join(dir, 'x.json')}: manifest is not valid JSON`);
    expect(err.cause).toBeInstanceOf(SyntaxError);
  });

  it('loads a manifest that starts with a UTF-8 byte-order mark', async () => {
    const path = await writeModel(`\ufeff${JSON.stringify(MINIMAL)}`, weightsBytes(SPEC));
    const loaded = await loadModel(path);
    expect(loaded.manifest.name).toBe('x');
    expect(loaded.model.spec).toMatchObject(SPEC);
  });

  it.each([
    ['an unknown cell', { cell: 'foo' }, 'cell: Invalid option: expected one of "rnn_tanh"|"rnn_relu"|"gru"|"lstm"'],
    ['hiddenSize 0', { hiddenSize: 0 }, 'hiddenSize: Too small: expected number to be >=1'],
    ['a missing name', { name: undefined }, 'name: Invalid input: expected string, received undefined'],
  ])('rejects a manifest with %s, naming the field', async (_label, patch, message) => {
    const err = await loadError({ ...MINIMAL, ...patch }, weightsBytes(SPEC));
    expect(err.file).toBe(join(dir, 'x.json'));
    expect(err.message).toContain('invalid manifest: ');
    expect(err.message).toContain(message);
  });
});
