/**
 * Gradient clipping by global L2 norm, torch.nn.utils.clip_grad_norm_(norm_type=2):
 *
 *     total = ‖(‖g_1‖, ‖g_2‖, ...)‖   (the norm of the per-tensor norms)
 *     coef  = min(1, maxNorm / (total + 1e-6));  every g ← g · coef when coef < 1
 *
 * Porting note: like PyTorch, this scales whenever coef < 1, i.e. also when total is below
 * maxNorm by less than 1e-6. Returns `total` (the norm before clipping). `maxNorm` <= 0 or
 * undefined only measures. Mutates the gradient tensors only.
 */
export function clipGradNorm(tensors: readonly Float64Array[], maxNorm?: number): number {
  let sumSquares = 0;
  for (const t of tensors) {
    let s = 0;
    for (let i = 0; i < t.length; i++) s += t[i] * t[i];
    const n = Math.sqrt(s);
    sumSquares += n * n;
  }
  const total = Math.sqrt(sumSquares);
  if (maxNorm !== undefined && maxNorm > 0) {
    const coef = maxNorm / (total + 1e-6);
    if (coef < 1) {
      for (const t of tensors) for (let i = 0; i < t.length; i++) t[i] *= coef;
    }
  }
  return total;
}
