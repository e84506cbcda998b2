/** Logistic sigmoid 1 / (1 + e^-x); saturates cleanly to 0 and 1 for large |x|. */
export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** Rectified linear unit max(0, x), the `nonlinearity='relu'` of torch.nn.RNN. */
export function relu(x: number): number {
  return x > 0 ? x : 0;
}
