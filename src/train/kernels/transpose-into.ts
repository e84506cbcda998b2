/** out = Wᵀ: out[j, i] = W[i, j] for a row-major rows x cols W (out is cols x rows). Mutates `out` only. */
export function transposeInto(W: Float64Array, rows: number, cols: number, out: Float64Array): void {
  for (let i = 0; i < rows; i++) {
    const row = i * cols;
    for (let j = 0; j < cols; j++) out[j * rows + i] = W[row + j];
  }
}
