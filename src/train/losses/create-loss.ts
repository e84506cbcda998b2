import { ConfigError } from '../../errors/index.js';
import type { LossKind } from '../training-contract.js';
import { crossEntropyLoss } from './cross-entropy-loss.js';
import { gaussianNllLoss } from './gaussian-nll-loss.js';
import { huberLoss } from './huber-loss.js';
import type { LossFunction } from './loss-function.js';
import { mseLoss } from './mse-loss.js';
import { qlikeLoss } from './qlike-loss.js';

/** The loss function of `kind`; `huberDelta` applies to 'huber' only (default 1). */
export function createLoss(kind: LossKind, huberDelta?: number): LossFunction {
  switch (kind) {
    case 'mse':
      return mseLoss;
    case 'huber':
      return huberLoss(huberDelta ?? 1);
    case 'cross_entropy':
      return crossEntropyLoss;
    case 'gaussian_nll':
      return gaussianNllLoss;
    case 'qlike':
      return qlikeLoss;
    default:
      throw new ConfigError(`loss must be one of mse, huber, cross_entropy, gaussian_nll, qlike, got ${String(kind satisfies never)}`, { key: 'loss' });
  }
}
