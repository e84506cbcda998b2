import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors/index.js';
import { Adam } from '../../../src/train/optim/adam.js';
import { createOptimizer } from '../../../src/train/optim/create-optimizer.js';
import { Sgd } from '../../../src/train/optim/sgd.js';
import type { OptimizerOptions } from '../../../src/train/training-contract.js';

describe('createOptimizer', () => {
  it('builds adam, adamw and sgd', () => {
    expect(createOptimizer(3, { kind: 'adam', lr: 0.1 })).toBeInstanceOf(Adam);
    expect(createOptimizer(3, { kind: 'adamw', lr: 0.1, weightDecay: 0.01 })).toBeInstanceOf(Adam);
    expect(createOptimizer(3, { kind: 'sgd', lr: 0.1, momentum: 0.9 })).toBeInstanceOf(Sgd);
  });

  it.each([
    [{ kind: 'adam', lr: 0 }, 'optimizer.lr'],
    [{ kind: 'adam', lr: NaN }, 'optimizer.lr'],
    [{ kind: 'sgd', lr: 0.1, momentum: 1 }, 'optimizer.momentum'],
    [{ kind: 'adam', lr: 0.1, momentum: 0.9 }, 'optimizer.momentum'],
    [{ kind: 'adam', lr: 0.1, weightDecay: -1 }, 'optimizer.weightDecay'],
    [{ kind: 'adam', lr: 0.1, betas: [0.9, 1] }, 'optimizer.betas[1]'],
    [{ kind: 'sgd', lr: 0.1, eps: 1e-8 }, 'optimizer.eps'],
    [{ kind: 'rmsprop', lr: 0.1 }, 'optimizer.kind'],
  ])('rejects %j with a ConfigError naming %s', (opts, key) => {
    let error: unknown;
    try {
      createOptimizer(3, opts as unknown as OptimizerOptions);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).key).toBe(key);
    expect((error as ConfigError).message).toContain(key);
  });
});
