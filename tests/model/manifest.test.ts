import { describe, expect, it } from 'vitest';
import { ModelFormatError } from '../../src/errors/index.js';
import { parseManifest } from '../../src/model/load-model.js';

const MINIMAL = {
  format: 'rnn-stream.model/v1',
  name: 'x',
  cell: 'lstm',
  inputSize: 2,
  hiddenSize: 4,
  numLayers: 1,
  outputSize: 3,
  weights: 'x.safetensors',
};

/** The ModelFormatError parseManifest throws for `raw`; fails the test if it accepts it. */
function rejection(raw: unknown): ModelFormatError {
  try {
    parseManifest(raw, 'm.json');
  } catch (e) {
    expect(e).toBeInstanceOf(ModelFormatError);
    expect((e as ModelFormatError).file).toBe('m.json');
    return e as ModelFormatError;
  }
  return expect.fail('parseManifest accepted the manifest');
}

describe('parseManifest', () => {
  it('fills the defaults of the minimal manifest and keeps unknown fields', () => {
    const m = parseManifest({ ...MINIMAL, team: 'quant' });
    expect(m.features).toEqual({ kind: 'vector' });
    expect(m.outputMode).toBe('many_to_many');
    expect(m.version).toBeUndefined();
    expect((m as Record<string, unknown>).team).toBe('quant');
  });

  it('accepts market features with one input per inputSize, and output metadata', () => {
    const m = parseManifest({
      ...MINIMAL,
      features: { kind: 'market', inputs: ['log_return', 'time_gap'] },
      normalisation: { mean: [0, 1], std: [1, 2] },
      output: { names: ['a', 'b', 'c'], decode: 'softmax' },
    });
    expect(m.features).toEqual({ kind: 'market', inputs: ['log_return', 'time_gap'] });
    expect(m.output?.decode).toBe('softmax');
  });

  it.each([
    ['a fractional numLayers', { numLayers: 1.5 }, 'numLayers: Invalid input: expected int'],
    ['another format', { format: 'rnn-stream.model/v2' }, 'format: Invalid input: expected "rnn-stream.model/v1"'],
    ['an empty weights path', { weights: '' }, 'weights: Too small'],
    ['a size over 65536', { inputSize: 65537 }, 'inputSize: Too big: expected number to be <=65536'],
    ['an unknown feature input', { features: { kind: 'market', inputs: ['price', 'x'] } }, 'features.inputs.0: Invalid option'],
    ['a zero std', { normalisation: { mean: [0, 0], std: [1, 0] } }, 'normalisation.std.1: Too small'],
    ['an unknown decode', { output: { decode: 'argmax' } }, 'output.decode: Invalid option'],
  ])('rejects %s, naming the field', (_label, patch, message) => {
    const err = rejection({ ...MINIMAL, ...patch });
    expect(err.message).toContain('m.json: invalid manifest: ');
    expect(err.message).toContain(message);
  });

  it('lists every invalid field at once', () => {
    const err = rejection({ ...MINIMAL, cell: 'foo', hiddenSize: 0 });
    expect(err.message).toContain('cell: ');
    expect(err.message).toContain('hiddenSize: ');
  });

  it('rejects a manifest that is not an object', () => {
    expect(rejection([1]).message).toContain('invalid manifest: (root): ');
  });

  it('rejects market features whose input count differs from inputSize', () => {
    const err = rejection({ ...MINIMAL, features: { kind: 'market', inputs: ['log_return'] } });
    expect(err.message).toContain('features.inputs has 1 entries but inputSize is 2');
  });

  it('rejects normalisation vectors of the wrong length', () => {
    const err = rejection({ ...MINIMAL, normalisation: { mean: [0, 0, 0], std: [1, 1, 1] } });
    expect(err.message).toContain('normalisation.mean and .std must have inputSize (2) entries');
  });

  it.each(['names', 'mean', 'std'] as const)('rejects output.%s of a length other than outputSize', (field) => {
    const err = rejection({ ...MINIMAL, output: { [field]: field === 'names' ? ['a'] : [1] } });
    expect(err.message).toContain(`output.${field} must have outputSize (3) entries, got 1`);
  });
});
