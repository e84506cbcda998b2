/**
 * The training loop's inner step: batches of sequences through backpropagation through time
 * (full, or truncated with a window of k steps), gradient clipping, and one optimiser update per
 * window, in float64.
 *
 * Loss of a batch (or of one window): the masked rows of every sequence are pooled and
 *
 *     L = (1 / N) Σ_{b, t : lossMask_b[t] = 1} ℓ(y_b,t, target_b,t)
 *
 * with ℓ the sum over outputs (mse, huber; N = masked steps × outputSize) or the per-step
 * cross-entropy (N = masked steps). This is PyTorch's `loss_fn(out[mask], target[mask])` with
 * reduction='mean' on a zero-padded batch whose mask is 0 beyond each sequence's end. The
 * sequences of a batch run side by side, step by step, as matrix-matrix products over the
 * sequences still running at that step (batch-backprop.ts); their gradients add up into one
 * buffer before the update.
 *
 * Truncated BPTT (tbptt = k): windows [0, k), [k, 2k), ... over the longest sequence; every
 * sequence starts from zero state, carries its state (detached) into the next window, and each
 * window with at least one masked step gets its own mean loss and optimiser step. A window with
 * no masked step (many-to-one data) only advances the states. A token model's embedding table
 * (TrainerOptions.embedding) is a parameter like the others: looked up per step, updated by the
 * same optimiser and clipped with the rest (embedding-grad.ts). Deterministic: same options and
 * batches give the same bits.
 */
import { ConfigError, TrainingDataError } from '../errors/index.js';
import type { ModelParams } from '../model/model-params.js';
import { stateSize, validateSpec, type ModelSpec } from '../model/model-spec.js';
import { BatchBackprop } from './batch-backprop.js';
import { createLoss } from './losses/create-loss.js';
import { clipGradNorm } from './optim/clip-grad-norm.js';
import { createOptimizer } from './optim/create-optimizer.js';
import type { Optimizer } from './optim/optimizer.js';
import { ParamVector } from './param-vector.js';
import type { StepResult, TrainerOptions, TrainingSequence } from './training-contract.js';
import { validateSequences } from './validate-sequences.js';

/** Sequences evaluated side by side (bounds the forward caches of an evaluation). */
const EVAL_BATCH = 64;

/** Trains one model in float64 from float32 initial parameters (see file header). */
export class Trainer {
  readonly spec: ModelSpec;
  private readonly weights: ParamVector;
  private readonly grads: ParamVector;
  private readonly gradTensors: Float64Array[];
  private readonly backprop: BatchBackprop;
  private readonly optimizer: Optimizer;
  private readonly clipNorm: number;
  private readonly tbptt: number;
  private states: Float64Array[] = [];

  /** Validates the options (ConfigError naming the option) and copies the initial parameters. */
  constructor(opts: TrainerOptions) {
    validateSpec(opts.spec);
    this.spec = Object.freeze({ ...opts.spec });
    const clip = opts.clipNorm ?? 0;
    if (!(Number.isFinite(clip) && clip >= 0)) throw new ConfigError(`clipNorm must be a finite number >= 0, got ${clip}`, { key: 'clipNorm' });
    const k = opts.tbptt ?? 0;
    if (!(Number.isInteger(k) && k >= 0)) throw new ConfigError(`tbptt must be an integer >= 0, got ${k}`, { key: 'tbptt' });
    this.clipNorm = clip;
    this.tbptt = k;
    const loss = createLoss(opts.loss, opts.huberDelta);
    this.weights = ParamVector.fromModelParams(this.spec, opts.initial, opts.embedding);
    this.grads = new ParamVector(this.spec, this.weights.vocabSize);
    this.gradTensors = [...this.grads.tensors.values()];
    this.optimizer = createOptimizer(this.weights.values.length, opts.optimizer);
    this.backprop = new BatchBackprop(this.weights, this.grads, loss);
  }

  /** Optimiser updates applied so far (one per batch, or one per window with tbptt). */
  get optimizerSteps(): number {
    return this.optimizer.steps;
  }

  /**
   * Trains on one batch (sequences of any lengths, run side by side). Returns the batch's mean
   * masked loss before the update (with tbptt: the mean of the windows' losses, each computed
   * before its own update), and the global gradient norm before clipping (with tbptt: the mean
   * over windows). A batch without any masked step returns loss NaN and takes no step.
   */
  trainBatch(batch: readonly TrainingSequence[]): StepResult {
    if (batch.length === 0) throw new TrainingDataError('a training batch needs at least one sequence');
    validateSequences(this.spec, this.backprop.loss, batch, this.weights.vocabSize);
    const states = this.zeroStates(batch.length);
    const maxLen = batch.reduce((m, s) => Math.max(m, s.length), 0);
    const k = this.tbptt > 0 ? this.tbptt : maxLen;
    let lossTotal = 0;
    let normTotal = 0;
    let windows = 0;
    for (let start = 0; start < maxLen; start += k) {
      const end = start + k;
      let terms = 0;
      for (const seq of batch) terms += this.backprop.termsIn(seq, start, end);
      if (terms === 0) {
        this.backprop.run(batch, start, end, states, 0, false);
        continue;
      }
      this.grads.values.fill(0);
      const sum = this.backprop.run(batch, start, end, states, 1 / terms, true);
      normTotal += clipGradNorm(this.gradTensors, this.clipNorm);
      this.optimizer.step(this.weights.values, this.grads.values);
      lossTotal += sum / terms;
      windows++;
    }
    return windows === 0 ? { loss: NaN, gradNorm: 0, optimizerSteps: 0 } : { loss: lossTotal / windows, gradNorm: normTotal / windows, optimizerSteps: windows };
  }

  /**
   * Forward only, float64, each sequence from zero state: the pooled mean masked loss (NaN when
   * no step is masked) and every step's head output (length × outputSize per sequence; logits
   * for cross_entropy).
   */
  evaluate(seqs: readonly TrainingSequence[]): { loss: number; outputs: Float64Array[] } {
    validateSequences(this.spec, this.backprop.loss, seqs, this.weights.vocabSize);
    let sum = 0;
    let terms = 0;
    const outputs = seqs.map((seq) => new Float64Array(seq.length * this.spec.outputSize));
    for (let first = 0; first < seqs.length; first += EVAL_BATCH) {
      const chunk = seqs.slice(first, first + EVAL_BATCH);
      const states = this.zeroStates(chunk.length);
      const longest = chunk.reduce((m, s) => Math.max(m, s.length), 0);
      sum += this.backprop.run(chunk, 0, longest, states, 0, false, outputs.slice(first, first + EVAL_BATCH));
      for (const seq of chunk) terms += this.backprop.termsIn(seq, 0, seq.length);
    }
    return { loss: terms === 0 ? NaN : sum / terms, outputs };
  }

  /** Float32 copy of the current parameters (rounded to nearest), e.g. for saving. */
  params(): ModelParams {
    return this.weights.toModelParams();
  }

  /** Float32 copy of a token model's embedding table (rounded to nearest); undefined without one. */
  embedding(): Float32Array | undefined {
    return this.weights.embeddingF32();
  }

  /** Float64 copies of the current parameters keyed by PyTorch tensor name, in state_dict order. */
  paramsF64(): Map<string, Float64Array> {
    return this.weights.copyTensors();
  }

  private zeroStates(count: number): Float64Array[] {
    const size = stateSize(this.spec);
    while (this.states.length < count) this.states.push(new Float64Array(size));
    for (let b = 0; b < count; b++) this.states[b].fill(0);
    return this.states;
  }
}
