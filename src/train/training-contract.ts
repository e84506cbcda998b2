/**
 * The contract between the training core (gradients, losses, optimisers: src/train/*) and its
 * users (the `train` command, datasets, evaluation). Training runs in float64.
 */
import type { ModelSpec } from '../model/model-spec.js';
import type { ModelParams } from '../model/model-params.js';

export type LossKind = 'mse' | 'huber' | 'cross_entropy' | 'gaussian_nll' | 'qlike';

/** Losses that read the head output as a log variance and the target as a variance proxy (r²). */
export function isVarianceLoss(kind: LossKind): boolean {
  return kind === 'gaussian_nll' || kind === 'qlike';
}

/** One training sequence of one key, row-major. */
export interface TrainingSequence {
  /** T x inputSize model inputs (already transformed and normalised); empty for a token model. */
  readonly inputs: Float64Array;
  /** Token models: T token ids, each step's input being that row of the embedding table. */
  readonly tokenIds?: Int32Array;
  /** T x outputSize targets (for cross_entropy: T x 1 class indices stored as numbers). */
  readonly targets: Float64Array;
  /** T flags: 1 where the step contributes to the loss (many-to-one: only sequence ends). */
  readonly lossMask: Uint8Array;
  /** T flags: 1 where h/c are reset to zero after the step (many-to-one sequence ends). */
  readonly resetAfter: Uint8Array;
  readonly length: number;
}

export interface OptimizerOptions {
  readonly kind: 'adam' | 'adamw' | 'sgd';
  readonly lr: number;
  /** Adam/AdamW betas (PyTorch defaults 0.9, 0.999) and eps (1e-8). */
  readonly betas?: readonly [number, number];
  readonly eps?: number;
  /** L2 (adam, sgd: added to the gradient) or decoupled (adamw) weight decay. */
  readonly weightDecay?: number;
  /** SGD momentum (PyTorch semantics, dampening 0, no Nesterov). */
  readonly momentum?: number;
}

export interface TrainerOptions {
  readonly spec: ModelSpec;
  readonly initial: ModelParams;
  /** Token models: the initial embedding table, vocabulary size x inputSize; sequences then carry tokenIds. */
  readonly embedding?: Float32Array;
  readonly loss: LossKind;
  /** Huber delta (PyTorch default 1). */
  readonly huberDelta?: number;
  readonly optimizer: OptimizerOptions;
  /** Clip gradients by global L2 norm when > 0 (torch.nn.utils.clip_grad_norm_). */
  readonly clipNorm?: number;
  /** Truncated BPTT window; 0 or undefined = full BPTT over each sequence. State carries over windows. */
  readonly tbptt?: number;
}

/** Mean loss over the steps whose lossMask is 1. */
export interface StepResult {
  readonly loss: number;
  readonly gradNorm: number;
  /** Optimiser updates this call applied: 1, or (tbptt) the number of windows with a masked step. */
  readonly optimizerSteps?: number;
}
