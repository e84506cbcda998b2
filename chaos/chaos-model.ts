/**
 * The model every chaos run serves: a seeded 2-layer GRU (hidden 16) over market ticks, written
 * as a manifest and a float32 safetensors file (docs/model-format.md) by this file alone, so the
 * service and the verifier's reference read the same bytes and nothing of src/ is involved.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SeededRandom } from './seeded-random.js';

const SPEC = { cell: 'gru', inputSize: 3, hiddenSize: 16, numLayers: 2, outputSize: 2 } as const;

/** Writes `chaos-gru.json` and `chaos-gru.safetensors` into `dir`; returns the manifest path. */
export function writeChaosModel(dir: string, seed: number): string {
  const rng = new SeededRandom(seed);
  const { inputSize: I, hiddenSize: H, numLayers, outputSize: O } = SPEC;
  const tensors: [string, number[], Float32Array][] = [];
  const rand = (n: number, scale: number): Float32Array => Float32Array.from({ length: n }, () => rng.uniform(-scale, scale));
  for (let l = 0; l < numLayers; l++) {
    const inSize = l === 0 ? I : H;
    tensors.push([`rnn.weight_ih_l${l}`, [3 * H, inSize], rand(3 * H * inSize, 0.5)]);
    tensors.push([`rnn.weight_hh_l${l}`, [3 * H, H], rand(3 * H * H, 0.3)]);
    tensors.push([`rnn.bias_ih_l${l}`, [3 * H], rand(3 * H, 0.1)]);
    tensors.push([`rnn.bias_hh_l${l}`, [3 * H], rand(3 * H, 0.1)]);
  }
  tensors.push(['head.weight', [O, H], rand(O * H, 0.3)]);
  tensors.push(['head.bias', [O], rand(O, 0.1)]);

  const header: Record<string, unknown> = {};
  let offset = 0;
  for (const [name, shape, data] of tensors) {
    header[name] = { dtype: 'F32', shape, data_offsets: [offset, offset + data.byteLength] };
    offset += data.byteLength;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (json.length % 8)) % 8);
  const out = Buffer.alloc(8 + json.length + offset);
  out.writeBigUInt64LE(BigInt(json.length), 0);
  out.write(json, 8, 'utf8');
  let at = 8 + json.length;
  for (const [, , data] of tensors) {
    Buffer.from(data.buffer, data.byteOffset, data.byteLength).copy(out, at);
    at += data.byteLength;
  }
  writeFileSync(join(dir, 'chaos-gru.safetensors'), out);
  const manifest = {
    format: 'rnn-stream.model/v1',
    name: 'chaos-gru',
    ...SPEC,
    weights: 'chaos-gru.safetensors',
    features: { kind: 'market', inputs: ['log_return', 'log_volume', 'time_gap'] },
    normalisation: { mean: [0, 5, 0.5], std: [0.01, 2, 0.5] },
  };
  const path = join(dir, 'chaos-gru.json');
  writeFileSync(path, JSON.stringify(manifest, null, 2));
  return path;
}
