import { describe, expect, it } from 'vitest';
import { parseManifest } from '../../src/model/load-model.js';
import { liveScoreSpec } from '../../src/quality/live-score-spec.js';

const base = { format: 'rnn-stream.model/v1', name: 'm', cell: 'gru', inputSize: 2, hiddenSize: 4, numLayers: 1, weights: 'w.safetensors' };

describe('liveScoreSpec: vector and token models', () => {
  it('scores a vector value model against the event target, choosing among the baselines it can compute live', () => {
    const metrics = { validation: { baselines: { last_value: { mse: 1 }, linear_ls: { mse: 0.1 }, train_mean: { mse: 2 } } } };
    const wide = liveScoreSpec(parseManifest({ ...base, outputSize: 2, output: { target: 'value', mean: [0, 0], std: [1, 1] }, metrics }));
    // last_value needs the previous target of each number: kept live for one-number targets only.
    expect(wide).toMatchObject({ source: 'event_target', width: 2, baseline: 'train_mean', primary: 'mse', endsOnly: false });
    const narrow = liveScoreSpec(parseManifest({ ...base, outputSize: 1, output: { target: 'value' }, metrics }));
    expect(narrow).toMatchObject({ width: 1, baseline: 'last_value' });
  });

  it('scores a many-to-one class model at sequence ends only, against last_class', () => {
    const spec = liveScoreSpec(parseManifest({ ...base, outputSize: 3, outputMode: 'many_to_one', output: { target: 'class', decode: 'softmax' } }));
    expect(spec).toMatchObject({ source: 'event_target', classes: true, endsOnly: true, baseline: 'last_class', primary: 'miss_rate' });
  });

  it('says why a model is not scored: no vector target, a text label classifier', () => {
    expect(liveScoreSpec(parseManifest({ ...base, outputSize: 2 }))).toEqual({ unscored: 'output.target null is not a vector target (value, class)' });
    const tokens = { kind: 'token', vocabulary: { tokens: ['<unk>', 'a'], unknownId: 0 } };
    const label = liveScoreSpec(parseManifest({ ...base, outputSize: 2, outputMode: 'many_to_one', features: tokens, output: { target: 'label', decode: 'softmax' } }));
    expect(label).toEqual({ unscored: 'output.target "label": of token models only next_token is scored live (a label is not in the token events)' });
    const lm = liveScoreSpec(parseManifest({ ...base, outputSize: 2, features: tokens, output: { target: 'next_token', decode: 'softmax' } }));
    expect(lm).toMatchObject({ source: 'next_token', baseline: 'last_token', primary: 'miss_rate' });
  });
});
