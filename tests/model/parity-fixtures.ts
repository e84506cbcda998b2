/** Helpers to read the PyTorch parity fixtures written by tests/fixtures/parity/generate.py. */
import { readdirSync, readFileSync } from 'node:fs';
import { expect } from 'vitest';
import type { RnnModel } from '../../src/model/rnn-model.js';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Directory of the parity fixtures. */
export const PARITY_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'parity');

/** What PyTorch computed for one case (see generate.py): float32 run, and float64 for the record. */
export interface ParityIo {
  readonly case: string;
  readonly dtype: 'F32' | 'F64';
  readonly inputs: number[][];
  readonly outputs: number[][];
  readonly h_n: number[][];
  readonly c_n: number[][] | null;
  readonly outputs_f64: number[][];
  readonly h_n_f64: number[][];
  readonly c_n_f64: number[][] | null;
}

/** Names of every case with a manifest `<case>.json` in {@link PARITY_DIR}, sorted. */
export function parityCases(): string[] {
  return readdirSync(PARITY_DIR)
    .filter((f) => f.endsWith('.json') && !f.endsWith('.io.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .sort();
}

/** Path of a case's manifest (in `dir`, the parity directory by default). */
export function manifestPath(name: string, dir = PARITY_DIR): string {
  return join(dir, `${name}.json`);
}

/** The recorded PyTorch inputs and outputs of a case. */
export function readIo(name: string, dir = PARITY_DIR): ParityIo {
  return JSON.parse(readFileSync(join(dir, `${name}.io.json`), 'utf-8')) as ParityIo;
}

/** What our model produced over a fixture's inputs: every step's output and the final state. */
export interface ParityRun {
  readonly outputs: Float32Array[];
  readonly state: Float32Array;
  readonly hiddenSize: number;
  readonly numLayers: number;
}

/** Steps a fresh state through `inputs` one event at a time with one stepper. */
export function runModel(model: RnnModel, inputs: readonly number[][]): ParityRun {
  const stepper = model.newStepper();
  const state = model.newState();
  const x = new Float32Array(model.spec.inputSize);
  const out = new Float32Array(model.spec.outputSize);
  const outputs: Float32Array[] = [];
  for (const input of inputs) {
    expect(input).toHaveLength(model.spec.inputSize);
    x.set(input);
    stepper.step(state, x, out);
    outputs.push(out.slice());
  }
  return { outputs, state, hiddenSize: model.spec.hiddenSize, numLayers: model.spec.numLayers };
}

/** Largest |actual - expected| over all entries; fails on a length mismatch. */
function maxAbsDiff(actual: ArrayLike<number>, expected: readonly number[]): number {
  expect(actual.length).toBe(expected.length);
  let m = 0;
  for (let i = 0; i < expected.length; i++) m = Math.max(m, Math.abs(actual[i] - expected[i]));
  return m;
}

/**
 * Largest absolute deviation of a run from reference outputs (every step) and final h_n/c_n,
 * reading the state as h of each layer, then c of each layer. NaN counts as infinite.
 */
export function deviation(run: ParityRun, outputs: number[][], hN: number[][], cN: number[][] | null): number {
  const H = run.hiddenSize;
  const L = run.numLayers;
  expect(run.outputs).toHaveLength(outputs.length);
  expect(hN).toHaveLength(L);
  expect(run.state).toHaveLength((cN ? 2 : 1) * L * H);
  let err = 0;
  outputs.forEach((expected, t) => (err = Math.max(err, maxAbsDiff(run.outputs[t], expected))));
  hN.forEach((h, l) => (err = Math.max(err, maxAbsDiff(run.state.subarray(l * H, (l + 1) * H), h))));
  cN?.forEach((c, l) => (err = Math.max(err, maxAbsDiff(run.state.subarray((L + l) * H, (L + l + 1) * H), c))));
  return Number.isNaN(err) ? Infinity : err;
}
