import { ConfigError } from '../../errors/index.js';
import type { OptimizerOptions } from '../training-contract.js';
import { Adam } from './adam.js';
import type { Optimizer } from './optimizer.js';
import { Sgd } from './sgd.js';

/**
 * The optimiser `opts` describes, for a parameter vector of `size` values. Validates every
 * hyper-parameter up front; errors are ConfigErrors naming the option (`optimizer.lr`, ...).
 */
export function createOptimizer(size: number, opts: OptimizerOptions): Optimizer {
  const check = (key: string, value: number | undefined, ok: (v: number) => boolean, rule: string): void => {
    if (value !== undefined && !(Number.isFinite(value) && ok(value))) {
      throw new ConfigError(`optimizer.${key} must be ${rule}, got ${value}`, { key: `optimizer.${key}` });
    }
  };
  check('lr', opts.lr, (v) => v > 0, 'a finite number > 0');
  if (opts.lr === undefined) throw new ConfigError('optimizer.lr is required', { key: 'optimizer.lr' });
  check('eps', opts.eps, (v) => v >= 0, 'a finite number >= 0');
  check('weightDecay', opts.weightDecay, (v) => v >= 0, 'a finite number >= 0');
  check('momentum', opts.momentum, (v) => v >= 0 && v < 1, 'in [0, 1)');
  opts.betas?.forEach((b, i) => check(`betas[${i}]`, b, (v) => v >= 0 && v < 1, 'in [0, 1)'));
  switch (opts.kind) {
    case 'adam':
    case 'adamw':
      if (opts.momentum !== undefined && opts.momentum !== 0) {
        throw new ConfigError(`optimizer.momentum applies to sgd only, not ${opts.kind}`, { key: 'optimizer.momentum' });
      }
      return new Adam(size, { ...opts, decoupled: opts.kind === 'adamw' });
    case 'sgd':
      for (const key of ['betas', 'eps'] as const) {
        if (opts[key] !== undefined) throw new ConfigError(`optimizer.${key} applies to adam/adamw only, not sgd`, { key: `optimizer.${key}` });
      }
      return new Sgd(size, opts);
    default:
      throw new ConfigError(`optimizer.kind must be adam, adamw or sgd, got ${String(opts.kind satisfies never)}`, {
        key: 'optimizer.kind',
      });
  }
}
