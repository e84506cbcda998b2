/**
 * A text training run, as `rnn-stream train --target label|next_token` performs it: read the
 * file as a stream (read-text-examples.ts), split it and choose the vocabulary from the training
 * split (text-dataset.ts), train an embedding + recurrent model with early stopping on the
 * validation loss, save it as a token model (features.kind "token" with the vocabulary, softmax
 * output named by class or by token), then score the saved model on validation and test through
 * the serving path (the model loaded back from disk, run by ModelRuntime on token events, float32)
 * next to the baselines (text-baselines.ts), and record everything in the manifest.
 *
 * Files written to `out`: `<name>.json`, `<name>.safetensors` (embedding.weight first) and
 * `validation-predictions.jsonl` (one line per validation example: see docs/training.md).
 */
import { join } from 'node:path';
import type { TokenEvent } from '../../events/model-event.js';
import { initEmbedding, initParams } from '../../model/init-params.js';
import { loadModel, type LoadedModel } from '../../model/load-model.js';
import { SeededRandom } from '../../model/random.js';
import { RnnModel } from '../../model/rnn-model.js';
import { saveModel, type SavedModel } from '../../model/save-model.js';
import { topClass } from '../../records/prediction.js';
import { ModelRuntime } from '../../runtime/model-runtime.js';
import { ClassAccumulator, type ClassMetrics } from '../baseline-metrics.js';
import { LineFile } from '../line-file.js';
import type { OnFileProgress } from '../read-lines.js';
import { runTrainingLoop, type LoopProgress, type LoopResult } from '../run-training-loop.js';
import { checkOutputDirectory, VALIDATION_PREDICTIONS_FILE } from '../run-training.js';
import { Trainer } from '../trainer.js';
import { readTextExamples } from './read-text-examples.js';
import { fitTextBaselines } from './text-baselines.js';
import { buildTextDataset, textSequence, type TextDataset, type TextExample, type TextPart } from './text-dataset.js';
import type { TextTrainingOptions } from './text-training-options.js';

/** Progress callbacks: the loop's, invalid lines left out, bytes read. */
export interface TextTrainingProgress extends LoopProgress {
  onWarning?(text: string): void;
  onRead?: OnFileProgress;
}

/** Metrics of a text model: accuracy, cross-entropy (nats) and, for a language model, bits per token. */
export interface TextMetrics extends ClassMetrics {
  readonly bitsPerToken?: number;
}

/** A part scored through the runtime: the metrics, and the token events whose step gave a non-finite output (not scored). */
export interface RuntimeScore {
  readonly metrics: ClassMetrics;
  readonly nonFinite: number;
}

/** The model and the baselines on one part. */
export interface TextPartMetrics {
  readonly model: TextMetrics;
  readonly baselines: Record<string, TextMetrics>;
}

/** What a text run produced. */
export interface TextTrainingResult extends SavedModel {
  readonly predictionsPath: string;
  readonly loop: LoopResult;
  readonly dataset: TextDataset;
  readonly validation: TextPartMetrics;
  readonly test?: TextPartMetrics;
}

/** Runs the text training described by `opts` (validated: parseTextTrainingOptions). */
export async function runTextTraining(opts: TextTrainingOptions, progress: TextTrainingProgress = {}, now: () => Date = () => new Date()): Promise<TextTrainingResult> {
  await checkOutputDirectory(opts.out);
  const onInvalid = (line: number, problem: string) => progress.onWarning?.(`line ${line}: ${problem} (left out)`);
  const examples = await readTextExamples(opts.input, opts, onInvalid, progress.onRead);
  const ds = buildTextDataset(examples, opts, onInvalid);
  const lm = opts.target === 'next_token';
  const V = ds.vocabulary.tokens.length;
  const spec = { cell: opts.cell, inputSize: opts.embedding, hiddenSize: opts.hidden, numLayers: opts.layers, outputSize: lm ? V : ds.classes.length };
  const rng = new SeededRandom(opts.seed);
  const initial = initParams(spec, rng);
  const trainer = new Trainer({
    spec,
    initial,
    embedding: initEmbedding(V, opts.embedding, rng),
    loss: 'cross_entropy',
    optimizer: { kind: opts.optimizer, lr: opts.lr, weightDecay: opts.weightDecay, momentum: opts.momentum },
    clipNorm: opts.clip,
    tbptt: opts.window,
  });
  const sequences = (part: TextPart) => ds.parts[part].filter((ex) => !lm || ex.ids.length > 1).map((ex) => textSequence(ex, lm));
  const loop = await runTrainingLoop(trainer, sequences('train'), sequences('validation'), opts, rng, progress);

  const { input: _input, out: _out, name: _name, ...hyperParameters } = opts;
  const manifest = {
    name: opts.name,
    features: { kind: 'token' as const, vocabulary: ds.vocabulary },
    outputMode: lm ? ('many_to_many' as const) : ('many_to_one' as const),
    output: { names: lm ? [...ds.vocabulary.tokens] : [...ds.classes], decode: 'softmax' as const, target: opts.target },
    provenance: {
      input: opts.input,
      inputSha256: examples.sha256,
      lines: examples.lines,
      invalidLines: examples.invalid,
      blankLines: examples.blank,
      singleTokenLines: examples.tooShort,
      unseenLabels: ds.unseenLabels,
      split: {
        rule: ds.shuffled ? 'examples shuffled with the seed, then train | validation | test' : 'file order: the first examples train, then validation, then test',
        valFraction: opts.valFraction,
        testFraction: opts.testFraction,
        examples: { train: ds.coverage.train.examples, validation: ds.coverage.validation.examples, test: ds.coverage.test.examples },
      },
      vocabulary: { size: V, minCount: opts.minCount, maxVocab: opts.maxVocab, droppedTrainingTokens: ds.droppedTokens, coverage: ds.coverage },
      seed: opts.seed,
      hyperParameters,
      epochsRun: loop.epochsRun,
      bestEpoch: loop.bestEpoch,
      bestValidationLoss: Number.isFinite(loop.bestValidationLoss) ? loop.bestValidationLoss : null,
      history: loop.history.map((h) => ({ epoch: h.epoch, trainLoss: h.trainLoss, validationLoss: h.validationLoss })),
      trainedAt: now().toISOString(),
    },
  };
  const model = new RnnModel(spec, loop.best);
  const saved = await saveModel(opts.out, manifest, model, loop.bestEmbedding);
  const loaded = await loadModel(saved.manifestPath);
  const predictionsPath = join(opts.out, VALIDATION_PREDICTIONS_FILE);
  const file = new LineFile(predictionsPath);
  let validationScore: RuntimeScore;
  try {
    validationScore = scoreThroughRuntime(loaded, ds.parts.validation, lm, (l) => file.write(l));
  } finally {
    file.close();
  }
  const testScore = ds.parts.test.length > 0 ? scoreThroughRuntime(loaded, ds.parts.test, lm) : undefined;
  for (const [part, score] of [['validation', validationScore], ['test', testScore]] as const) {
    if (score && score.nonFinite > 0) progress.onWarning?.(`${part}: ${score.nonFinite} token event(s) gave a non-finite output in the saved model and were not scored`);
  }
  const baselines = fitTextBaselines(ds, lm);
  const withBits = (m: ClassMetrics): TextMetrics => (lm && m.crossEntropy !== null ? { ...m, bitsPerToken: m.crossEntropy / Math.LN2 } : m);
  const partMetrics = (model: ClassMetrics, part: TextPart): TextPartMetrics => ({
    model: withBits(model),
    baselines: Object.fromEntries(Object.entries(baselines.score(part)).map(([k, m]) => [k, withBits(m)])),
  });
  const validation = partMetrics(validationScore.metrics, 'validation');
  const test = testScore ? partMetrics(testScore.metrics, 'test') : undefined;
  const metrics = { validation, ...(test ? { test } : {}), loss: 'cross_entropy', bestValidationLoss: manifest.provenance.bestValidationLoss };
  // Same weights, same bytes: only the manifest gains its metrics.
  await saveModel(opts.out, { ...manifest, metrics }, model, loop.bestEmbedding);
  return { ...saved, predictionsPath, loop, dataset: ds, validation, ...(test ? { test } : {}) };
}

/**
 * The saved model's metrics on `examples`, run as serving runs it: each example is a key of its
 * own from a fresh state, one token event per token (the last one marked `end`), the head output
 * after each event scored (classifier: after the last token; language model: after every token
 * but the last, against the next one). `onLine` gets one JSON line per example.
 */
export function scoreThroughRuntime(loaded: LoadedModel, examples: readonly TextExample[], languageModel: boolean, onLine: (line: string) => void = () => undefined): RuntimeScore {
  const runtime = new ModelRuntime(loaded);
  const out = runtime.out;
  const K = out.length;
  const names = loaded.manifest.output?.names ?? [];
  const acc = new ClassAccumulator(true);
  const p = new Float64Array(K);
  let nonFinite = 0;
  const features = loaded.manifest.features;
  const unknownId = features.kind === 'token' ? features.vocabulary.unknownId : -1;
  for (const ex of examples) {
    const state = runtime.newKeyState();
    const key = `line-${ex.line}`;
    const T = ex.ids.length;
    let nll = 0;
    let scored = 0;
    for (let t = 0; t < T; t++) {
      const event: TokenEvent = { kind: 'token', key, ts: t, id: ex.ids[t], unknown: ex.ids[t] === unknownId, end: t === T - 1 };
      // Skipped as serving skips it (state unchanged), and counted: its step is not scored.
      if (runtime.advance(state, event) === 'non_finite') {
        nonFinite++;
        continue;
      }
      const target = languageModel ? (t + 1 < T ? ex.ids[t + 1] : -1) : t === T - 1 ? ex.label : -1;
      if (target < 0) continue;
      acc.addLogits(out, 0, K, target);
      nll -= logSoftmaxAt(out, target, p);
      scored++;
    }
    if (languageModel) onLine(JSON.stringify({ line: ex.line, scored, crossEntropy: scored > 0 ? nll / scored : null }));
    else {
      const top = topClass({ names }, p);
      onLine(JSON.stringify({ line: ex.line, label: names[ex.label], class: top.class, probability: top.probability }));
    }
  }
  return { metrics: acc.result(), nonFinite };
}

/** ln softmax(logits)[k]; writes the probabilities into `p`. */
function logSoftmaxAt(logits: ArrayLike<number>, k: number, p: Float64Array): number {
  let max = -Infinity;
  for (let i = 0; i < p.length; i++) max = Math.max(max, logits[i]);
  let sum = 0;
  for (let i = 0; i < p.length; i++) sum += p[i] = Math.exp(logits[i] - max);
  for (let i = 0; i < p.length; i++) p[i] /= sum;
  return logits[k] - max - Math.log(sum);
}
