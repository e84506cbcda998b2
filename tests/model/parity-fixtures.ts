/** Helpers to read the PyTorch parity fixtures written by tests/fixtures/parity/generate.py. */
import { readdirSync, readFileSync } from 'node:fs';
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

/** Path of a case's manifest. */
export function manifestPath(name: string): string {
  return join(PARITY_DIR, `${name}.json`);
}

/** The recorded PyTorch inputs and outputs of a case. */
export function readIo(name: string): ParityIo {
  return JSON.parse(readFileSync(join(PARITY_DIR, `${name}.io.json`), 'utf-8')) as ParityIo;
}
