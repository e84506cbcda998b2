import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors/index.js';
import { parseTrainingOptions, type RawTrainingOptions } from '../../src/train/run-training-options.js';

const base: RawTrainingOptions = { input: 'data/ticks.jsonl', out: 'out', target: 'next_logret' };

function errorOf(raw: RawTrainingOptions): ConfigError {
  try {
    parseTrainingOptions(raw);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('parseTrainingOptions', () => {
  it('fills documented defaults and names the model after the input file', () => {
    const o = parseTrainingOptions(base);
    expect(o).toMatchObject({ name: 'ticks', cell: 'gru', hidden: 32, layers: 1, loss: 'mse', epochs: 20, optimizer: 'adam', seed: 1, valFraction: 0.2, window: 50 });
    expect(o.features).toEqual(['log_return', 'log_volume', 'time_gap']);
    expect(parseTrainingOptions({ ...base, target: 'next_direction' }).loss).toBe('cross_entropy');
  });

  it('parses every numeric and list option', () => {
    const o = parseTrainingOptions({ ...base, hidden: '8', layers: '2', lr: '0.01', batch: '4', window: '0', clip: '0', weightDecay: '0.1', seed: '42', patience: '3', valFraction: '0.3', features: 'log_return,time_gap', optimizer: 'sgd', momentum: '0.9' });
    expect(o).toMatchObject({ hidden: 8, layers: 2, lr: 0.01, batch: 4, window: 0, clip: 0, weightDecay: 0.1, seed: 42, patience: 3, valFraction: 0.3, optimizer: 'sgd', momentum: 0.9 });
    expect(o.features).toEqual(['log_return', 'time_gap']);
  });

  it.each([
    [{ hidden: 'abc' }, '--hidden', /--hidden must be an integer in 1\.\.65536; got "abc"/],
    [{ hidden: '0' }, '--hidden', /--hidden must be an integer/],
    [{ epochs: '2.5' }, '--epochs', /--epochs must be an integer/],
    [{ cell: 'transformer' }, '--cell', /--cell must be one of rnn_tanh, rnn_relu, gru, lstm; got "transformer"/],
    [{ target: 'price' }, '--target', /--target must be one of next_logret/],
    [{ target: undefined }, '--target', /--target is required/],
    [{ target: 'next_direction', loss: 'mse' }, '--loss', /--loss mse does not fit --target next_direction/],
    [{ loss: 'cross_entropy' }, '--loss', /does not fit --target next_logret/],
    [{ loss: 'qlike' }, '--loss', /--loss qlike forecasts a variance: it needs --target next_abs_logret or next_sq_logret, got next_logret/],
    [{ target: 'next_direction', loss: 'gaussian_nll' }, '--loss', /gaussian_nll forecasts a variance/],
    [{ valFraction: '1' }, '--val-fraction', /--val-fraction must be a number strictly between 0 and 1; got "1"/],
    [{ lr: '-1' }, '--lr', /--lr must be a number > 0/],
    [{ optimizer: 'rmsprop' }, '--optimizer', /--optimizer must be one of adam, adamw, sgd/],
    [{ sequenceGapMs: '1000' }, '--sequence-gap', /only applies with --output-mode many_to_one/],
    [{ outputMode: 'one_to_one' }, '--output-mode', /--output-mode must be one of many_to_many, many_to_one/],
    [{ features: 'log_return,price' }, '--features', /--features must be one of log_return, log_volume, time_gap; got "price"/],
    [{ features: 'log_return,log_return' }, '--features', /lists an input twice/],
    [{ name: 'a/b' }, '--name', /--name must be/],
    [{ classes: '1' }, '--classes', /--classes must be an integer in 2\.\./],
  ] as const)('rejects %o with a ConfigError naming %s', (patch, key, message) => {
    const err = errorOf({ ...base, ...patch });
    expect(err.key).toBe(key);
    expect(err.message).toMatch(message);
  });
});
