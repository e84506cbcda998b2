/**
 * `rnn-stream retrain`: replay a time range of the input topic from Kafka, train a candidate
 * on it with calendar-time splits (train < validate-from <= validation < test-from <= test),
 * early stopping on the validation window only, and evaluate the candidate, the champion (the
 * model in production) and the baselines on the same windows.
 */
import type { Admin, Kafka } from 'kafkajs';
import type { ServiceConfig } from '../config/service-config.js';
import { consumerOptions } from '../kafka/client-options.js';
import type { LoadedModel } from '../model/load-model.js';
import type { ClassMetrics, RegressionMetrics } from '../train/baseline-metrics.js';
import type { TrainingRunOptions } from '../train/run-training-options.js';
import { validateThroughRuntime } from '../train/run-training-validation.js';
import { at, trainOnEvents, type TrainingProgress, type TrainingResult } from '../train/run-training.js';
import { targetEventKind } from '../train/target-kind.js';
import { isVarianceLoss } from '../train/training-contract.js';
import { readTopicEvents } from './read-topic-events.js';
import type { RetrainWindow } from './retrain-window.js';

/** One row of the comparison: a predictor and its metrics per window. */
export interface ComparisonRow {
  readonly name: string;
  /** What the predictor is, in words. */
  readonly description: string;
  readonly validation?: RegressionMetrics | ClassMetrics;
  readonly test?: RegressionMetrics | ClassMetrics;
  /** Why there are no metrics (e.g. the champion predicts another target). */
  readonly note?: string;
}

/** What a retrain produced. */
export interface RetrainResult {
  readonly training: TrainingResult;
  readonly rows: readonly ComparisonRow[];
  readonly champion?: { readonly label: string; readonly validation?: RegressionMetrics | ClassMetrics; readonly test?: RegressionMetrics | ClassMetrics };
}

/** Dependencies and settings of {@link runRetrain}. */
export interface RetrainOptions {
  readonly config: ServiceConfig;
  readonly kafka: Kafka;
  /** A connected admin client. */
  readonly admin: Admin;
  readonly window: RetrainWindow;
  readonly training: TrainingRunOptions;
  /** The model in production, to compare with (label: where it came from). */
  readonly champion?: { readonly label: string; readonly loaded: LoadedModel };
  readonly progress?: TrainingProgress & { onReplay?(read: number, total: number): void };
}

/** Words for each baseline name of baseline-predictors.ts. */
export const BASELINE_DESCRIPTIONS: Readonly<Record<string, string>> = {
  zero: 'always 0',
  train_mean: 'mean of the training targets',
  last_value: "the key's previous target (the current return for tick targets)",
  linear_ls: 'least squares on the model inputs x_t plus intercept, fitted on training',
  ewma_variance: 'RiskMetrics EWMA variance, sqrt(2/pi) sigma_t+1',
  garch11_mle: 'GARCH(1,1) by maximum likelihood on training, sqrt(2/pi) sigma_t+1',
  majority_class: 'most frequent training class (probabilities: training frequencies)',
  last_class: "the key's previous class",
};

/** Runs a retrain (see the file comment). The candidate is written to `training.out`. */
export async function runRetrain(opts: RetrainOptions): Promise<RetrainResult> {
  const { config, window, training } = opts;
  const topic = config.kafka.inputTopic;
  const warn = (text: string) => opts.progress?.onWarning?.(text);
  const { data } = await readTopicEvents({
    kafka: opts.kafka,
    admin: opts.admin,
    topic,
    fromMs: window.from,
    toMs: window.to,
    kind: targetEventKind(training.target),
    limits: config.events,
    consumer: consumerOptions(config.kafka, `${config.kafka.groupId}.replay`),
    groupPrefix: `${config.kafka.groupId}.replay`,
    onRejected: (position, reason, detail) => warn(`${at(position)}: ${reason}: ${detail}`),
    onProgress: opts.progress?.onReplay,
    onWarning: warn,
  });
  const result = await trainOnEvents(data, training, { kind: 'time', validateFrom: window.validateFrom, testFrom: window.testFrom }, opts.progress);
  const ds = result.dataset;
  const rows: ComparisonRow[] = [{ name: 'candidate', description: `${training.cell} ${training.layers}x${training.hidden}, trained on this range`, validation: result.validation.model, test: result.test?.model }];
  let champion: RetrainResult['champion'];
  if (opts.champion) {
    const { label, loaded } = opts.champion;
    const target = loaded.manifest.output?.target;
    const kind = loaded.manifest.features.kind === 'market' ? 'tick' : 'vector';
    const forecastsVariance = loaded.manifest.output?.decode === 'log_variance';
    if (target !== training.target || kind !== data.kind || forecastsVariance !== isVarianceLoss(training.loss)) {
      const what = forecastsVariance ? 'the variance of ' : '';
      rows.push({ name: 'champion', description: label, note: `not comparable: it predicts ${what}${target ?? 'an unknown target'} from ${kind} events` });
    } else {
      const validation = validateThroughRuntime(loaded, ds.series, ds.shape, 'validation').metrics;
      const test = result.test ? validateThroughRuntime(loaded, ds.series, ds.shape, 'test').metrics : undefined;
      champion = { label, validation, test };
      rows.push({ name: 'champion', description: label, validation, test });
    }
  }
  for (const [name, validation] of Object.entries(result.validation.baselines)) {
    rows.push({ name, description: BASELINE_DESCRIPTIONS[name] ?? name, validation, test: result.test?.baselines[name] });
  }
  return { training: result, rows, champion };
}
