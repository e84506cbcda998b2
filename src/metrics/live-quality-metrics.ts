/**
 * The live-quality series (quality/live-scorer.ts): per model version, never per key. They are
 * read from the scorers at each scrape (collect), so the scoring path itself touches no metric.
 * Labels: `model` and `version` (the live models of this process: the champion, and shadows),
 * `predictor` (`model` or `baseline`), `measure` (`mse`, `mae`, `qlike`).
 */
import { Counter, Gauge, type Registry } from 'prom-client';

/** Losses of one predictor (NaN where the measure does not apply or nothing was scored). */
export interface PredictorScores {
  readonly mse: number;
  readonly mae: number;
  readonly qlike: number;
  readonly hitRate: number;
}

/** What a scrape reads of one live model (quality/live-scorer.ts's LiveScores). */
export interface LiveScoresReading {
  readonly model: string;
  readonly version: string;
  readonly target: string;
  readonly baseline: string;
  readonly primary: string;
  readonly scored: number;
  readonly modelLoss: PredictorScores;
  readonly baselineLoss: PredictorScores;
  readonly skill: number;
  readonly drift: { readonly statistic: number; readonly detections: number; readonly lastDetectionMs: number | null; readonly reference: number | null };
}

/** How a drift command ended (rnn_stream_drift_command_runs_total{outcome}). */
export type DriftCommandOutcome = 'succeeded' | 'failed' | 'timed_out' | 'skipped_cooldown';
const OUTCOMES: readonly DriftCommandOutcome[] = ['succeeded', 'failed', 'timed_out', 'skipped_cooldown'];

/** The live-quality metrics of a registry. */
export interface LiveQualityMetrics {
  /** Where scrapes read the live models' scores; replaced on each call (a swap changes the list). */
  setSource(source: () => readonly LiveScoresReading[]): void;
  /** Counts a drift command's end. */
  commandRun(outcome: DriftCommandOutcome): void;
}

/** Creates the live-quality metrics on `registry` (called by createPipelineMetrics). */
export function createLiveQualityMetrics(registry: Registry): LiveQualityMetrics {
  const registers = [registry];
  let source: () => readonly LiveScoresReading[] = () => [];
  const perModel = <T extends string>(
    kind: 'gauge' | 'counter',
    name: string,
    help: string,
    extra: readonly T[],
    fill: (set: (labels: Record<string, string>, value: number) => void, r: LiveScoresReading) => void,
  ) => {
    const labelNames = ['model', 'version', ...extra];
    const collect = function (this: Gauge | Counter) {
      this.reset();
      for (const r of source()) {
        fill((labels, value) => {
          if (Number.isNaN(value)) return;
          const all = { model: r.model, version: r.version, ...labels };
          if (this instanceof Gauge) this.set(all, value);
          else if (value > 0) this.inc(all, value);
          else this.inc(all, 0);
        }, r);
      }
    };
    return kind === 'gauge' ? new Gauge({ name, help, labelNames, registers, collect }) : new Counter({ name, help, labelNames, registers, collect });
  };
  perModel('counter', 'rnn_stream_live_scored_total', 'Predictions scored live against the next event of their key, by model version.', [], (set, r) => set({}, r.scored));
  perModel('gauge', 'rnn_stream_live_error', 'Rolling live error (EWMA over scored events) of the model and of its naive baseline, in the target\'s units.', ['predictor', 'measure'], (set, r) => {
    for (const [predictor, s] of [['model', r.modelLoss], ['baseline', r.baselineLoss]] as const) {
      set({ predictor, measure: 'mse' }, s.mse);
      set({ predictor, measure: 'mae' }, s.mae);
      set({ predictor, measure: 'qlike' }, s.qlike);
    }
  });
  perModel('gauge', 'rnn_stream_live_hit_ratio', 'Rolling live hit rate (class targets) of the model and of its naive baseline.', ['predictor'], (set, r) => {
    set({ predictor: 'model' }, r.modelLoss.hitRate);
    set({ predictor: 'baseline' }, r.baselineLoss.hitRate);
  });
  perModel('gauge', 'rnn_stream_live_skill_ratio', 'Rolling skill: 1 - model error / baseline error on the primary measure (> 0: the model beats its baseline).', [], (set, r) => set({}, r.skill));
  perModel('gauge', 'rnn_stream_live_baseline_info', 'The naive baseline and the primary measure a model is scored against (value 1).', ['baseline', 'measure', 'target'], (set, r) =>
    set({ baseline: r.baseline, measure: r.primary, target: r.target }, 1),
  );
  perModel('gauge', 'rnn_stream_live_drift_statistic', 'Page-Hinkley statistic of the model\'s loss (in units of its reference loss); a detection fires above quality.drift.threshold.', [], (set, r) =>
    set({}, r.drift.statistic),
  );
  perModel('counter', 'rnn_stream_live_drift_detections_total', 'Drifts of the model\'s loss detected by the Page-Hinkley test.', [], (set, r) => set({}, r.drift.detections));
  perModel('gauge', 'rnn_stream_live_drift_last_detection_timestamp_seconds', 'Time of the last drift detection (epoch seconds); absent before the first.', [], (set, r) =>
    set({}, r.drift.lastDetectionMs === null ? NaN : r.drift.lastDetectionMs / 1000),
  );
  const runs = new Counter({ name: 'rnn_stream_drift_command_runs_total', help: 'Runs of the configured drift command by outcome (skipped_cooldown: a detection within the cool-down).', labelNames: ['outcome'], registers });
  const byOutcome = Object.fromEntries(OUTCOMES.map((o) => [o, runs.labels(o)])) as Record<DriftCommandOutcome, Counter.Internal>;
  for (const o of OUTCOMES) byOutcome[o].inc(0);
  return {
    setSource(s) {
      source = s;
    },
    commandRun(outcome) {
      byOutcome[outcome].inc();
    },
  };
}
