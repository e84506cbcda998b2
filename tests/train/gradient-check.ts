/**
 * Finite-difference gradient check of the BPTT core (BatchBackprop: the whole batch side by
 * side, packed by length), in float64.
 *
 * Numeric derivative of every element of every parameter tensor: Ridders' extrapolation of
 * central differences (f(θ+d) - f(θ-d)) / 2d for d = h, h/1.4, h/1.4², ... (Numerical Recipes'
 * dfridr), which cancels the truncation error, with h = 1e-2. The loss difference is summed
 * step by step from the two output sequences (stepLossDifference), so its rounding error is
 * that of y⁺ - y⁻, not ulp(loss). ReLU cells are only piecewise smooth: for them h is divided
 * by 10 until no hidden unit changes sign anywhere between θ-h and θ+h (checked from the
 * activation pattern), so no difference straddles a kink.
 *
 * Relative error of one element: |a - n| / max(|a| + |n|, 1e-8) (a = analytic, n = numeric);
 * the error of a tensor is the largest over all its elements.
 */
import { stateSize } from '../../src/model/model-spec.js';
import { createLoss } from '../../src/train/losses/create-loss.js';
import { ParamVector } from '../../src/train/param-vector.js';
import { BatchBackprop } from '../../src/train/batch-backprop.js';
import type { LossKind, TrainingSequence } from '../../src/train/training-contract.js';

/** Huber delta used by the gradient checks. */
export const CHECK_HUBER_DELTA = 0.5;

/** Relative error of an analytic vs a numeric derivative (see file header). */
export function relativeError(a: number, n: number): number {
  return Math.abs(a - n) / Math.max(Math.abs(a) + Math.abs(n), 1e-8);
}

/** Per tensor: the largest relative error and the largest |analytic| (to show the gradient is not trivially 0). */
export interface TensorCheck {
  readonly error: number;
  readonly maxAbs: number;
}

/**
 * Checks d(window loss)/dθ over the window [start, end) of `batch`, the state entering the
 * window being computed (without gradient) from steps [0, start) and then held fixed, as
 * truncated BPTT detaches it; start = 0 and end = the longest length check full BPTT.
 * `corrupt` may alter the analytic gradient before comparison (to prove the check can fail).
 */
export function checkGradients(
  params: ParamVector,
  loss: LossKind,
  batch: readonly TrainingSequence[],
  window: { start: number; end: number },
  corrupt?: (grads: ParamVector) => void,
): Map<string, TensorCheck> {
  const { start, end } = window;
  const grads = new ParamVector(params.spec, params.vocabSize);
  const bp = new BatchBackprop(params, grads, createLoss(loss, CHECK_HUBER_DELTA));
  const entry = batch.map(() => new Float64Array(stateSize(params.spec)));
  if (start > 0) bp.run(batch, 0, start, entry, 0, false);
  const terms = batch.reduce((n, seq) => n + bp.termsIn(seq, start, end), 0);
  const states = batch.map(() => new Float64Array(stateSize(params.spec)));
  const enter = () => states.forEach((s, b) => s.set(entry[b]));
  enter();
  bp.run(batch, start, end, states, 1 / terms, true);
  corrupt?.(grads);
  const O = params.spec.outputSize;
  const plus = batch.map((seq) => new Float64Array(seq.length * O));
  const minus = batch.map((seq) => new Float64Array(seq.length * O));
  const relu = params.spec.cell === 'rnn_relu';
  const patterns: number[] = [];
  const outputsAt = (outs: Float64Array[]): string => {
    patterns.length = 0;
    enter();
    bp.run(batch, start, end, states, 0, false, outs);
    const n = bp.layout.rows * params.spec.hiddenSize;
    if (relu) for (const cache of bp.caches) for (let i = 0; i < n; i++) patterns.push(cache.h[i] > 0 ? 1 : 0);
    return patterns.join('');
  };
  const lossDiff = (): number => {
    let sum = 0;
    batch.forEach((seq, b) => {
      for (let t = start; t < Math.min(end, seq.length); t++) {
        if (seq.lossMask[t]) sum += stepLossDifference(loss, plus[b], minus[b], t * O, O, seq.targets, loss === 'cross_entropy' ? t : t * O);
      }
    });
    return sum / terms;
  };
  const base = outputsAt(plus);
  const result = new Map<string, TensorCheck>();
  for (const [name, tensor] of params.tensors) {
    const analytic = grads.tensors.get(name)!;
    let error = 0;
    let maxAbs = 0;
    for (let i = 0; i < tensor.length; i++) {
      const orig = tensor[i];
      let crossesKink = false;
      const diff = (d: number): number => {
        tensor[i] = orig + d;
        const above = outputsAt(plus);
        tensor[i] = orig - d;
        const below = outputsAt(minus);
        tensor[i] = orig;
        crossesKink = above !== base || below !== base;
        return lossDiff();
      };
      let h = 1e-2;
      for (diff(h); crossesKink; diff(h)) {
        h /= 10;
        if (h < 1e-9) throw new Error(`${name}[${i}]: a ReLU kink within 1e-9`);
      }
      const numeric = ridders(diff, h);
      tensor[i] = orig;
      error = Math.max(error, relativeError(analytic[i], numeric));
      maxAbs = Math.max(maxAbs, Math.abs(analytic[i]));
    }
    result.set(name, { error, maxAbs });
  }
  return result;
}

/**
 * ℓ(y⁺) - ℓ(y⁻) for one step, written so that it is accurate to rounding of y⁺ - y⁻ rather
 * than of ℓ (a plain difference of two loss values loses everything below ulp(ℓ)):
 * mse: Σ (y⁺ - y⁻)(y⁺ + y⁻ - 2t); huber (both on the same branch, which the tests' target
 * margin guarantees): quadratic ½(y⁺ - y⁻)(y⁺ + y⁻ - 2t), linear ±delta (y⁺ - y⁻);
 * cross-entropy: log(1 + Σ e^{y⁻}(e^{y⁺-y⁻} - 1) / Σ e^{y⁻}) - (y⁺_c - y⁻_c); qlike:
 * dy + v e^{-y⁻} expm1(-dy) (dy = y⁺ - y⁻), gaussian_nll half of it.
 */
export function stepLossDifference(
  loss: LossKind,
  yp: Float64Array,
  ym: Float64Array,
  off: number,
  size: number,
  targets: Float64Array,
  tOff: number,
): number {
  let sum = 0;
  if (loss === 'cross_entropy') {
    let max = -Infinity;
    for (let k = 0; k < size; k++) max = Math.max(max, ym[off + k]);
    let base = 0;
    let delta = 0;
    for (let k = 0; k < size; k++) {
      const e = Math.exp(ym[off + k] - max);
      base += e;
      delta += e * Math.expm1(yp[off + k] - ym[off + k]);
    }
    const c = targets[tOff];
    return Math.log1p(delta / base) - (yp[off + c] - ym[off + c]);
  }
  if (loss === 'gaussian_nll' || loss === 'qlike') {
    // ℓ⁺ - ℓ⁻ = c·dy + v e^{-y⁻} expm1(-dy), c·(...) halved for the NLL; ln v cancels in QLIKE.
    for (let k = 0; k < size; k++) {
      const dy = yp[off + k] - ym[off + k];
      const d = dy + targets[tOff + k] * Math.exp(-ym[off + k]) * Math.expm1(-dy);
      sum += loss === 'qlike' ? d : 0.5 * d;
    }
    return sum;
  }
  for (let k = 0; k < size; k++) {
    const dy = yp[off + k] - ym[off + k];
    const t = targets[tOff + k];
    const rp = yp[off + k] - t;
    const rm = ym[off + k] - t;
    if (loss === 'mse') sum += dy * (rp + rm);
    else if (Math.abs(rp) < CHECK_HUBER_DELTA && Math.abs(rm) < CHECK_HUBER_DELTA) sum += 0.5 * dy * (rp + rm);
    else if (Math.sign(rp) === Math.sign(rm) && Math.abs(rp) >= CHECK_HUBER_DELTA && Math.abs(rm) >= CHECK_HUBER_DELTA) sum += CHECK_HUBER_DELTA * Math.sign(rp) * dy;
    else throw new Error('huber residual crossed the kink during the finite difference');
  }
  return sum;
}

/** Model outputs of every step of `seq` (forward only), e.g. to place regression targets. */
export function forwardOutputs(params: ParamVector, seq: TrainingSequence): Float64Array {
  const bp = new BatchBackprop(params, new ParamVector(params.spec, params.vocabSize), createLoss('mse'));
  const out = new Float64Array(seq.length * params.spec.outputSize);
  bp.run([seq], 0, seq.length, [new Float64Array(stateSize(params.spec))], 0, false, [out]);
  return out;
}

/** Ridders' extrapolation of central differences; `diff(d)` = f(x+d) - f(x-d). */
export function ridders(diff: (d: number) => number, h0: number): number {
  const CON = 1.4;
  const CON2 = CON * CON;
  const NTAB = 10;
  const a: number[][] = Array.from({ length: NTAB }, () => new Array<number>(NTAB).fill(0));
  let h = h0;
  a[0][0] = diff(h) / (2 * h);
  let err = Infinity;
  let ans = a[0][0];
  for (let i = 1; i < NTAB; i++) {
    h /= CON;
    a[0][i] = diff(h) / (2 * h);
    let fac = CON2;
    for (let j = 1; j <= i; j++) {
      a[j][i] = (a[j - 1][i] * fac - a[j - 1][i - 1]) / (fac - 1);
      fac *= CON2;
      const errt = Math.max(Math.abs(a[j][i] - a[j - 1][i]), Math.abs(a[j][i] - a[j - 1][i - 1]));
      if (errt <= err) {
        err = errt;
        ans = a[j][i];
      }
    }
    if (Math.abs(a[i][i] - a[i - 1][i - 1]) >= 2 * err) break;
  }
  return ans;
}
