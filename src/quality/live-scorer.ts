/**
 * Live quality of one model: when a key's next tick arrives, the prediction the model made after
 * the key's previous tick is scored against what happened (the target training used), next to
 * the manifest's best naive baseline computed live (live-baseline.ts). The same for a next-token
 * model at the key's next token; a vector model's prediction after an event is scored against
 * that event's own `target`, as training pairs them (live-score-spec.ts). Scores are kept per model
 * version over all the keys this process serves, as exponentially weighted means with a
 * half-life in scored events (ewma-mean.ts), and the model's primary loss feeds a Page-Hinkley
 * drift detector (page-hinkley.ts).
 *
 * The previous prediction is not stored: for a many-to-many model it is the head applied to the
 * key's stored top-layer h (the step's last operation), so it is recomputed with the same kernel
 * (same bytes), and survives restarts and rebalances with the state itself.
 *
 * Use: {@link begin} per batch, {@link score} before each event's step (on a state of this
 * model's version), {@link complete} after the step with its output (the row of a vector target
 * needs it), {@link retract} if the step was then refused, {@link fold} once the batch's
 * predictions are published. Scoring and folding allocate nothing.
 */
import { MEM_LAST_END, MEM_PREV_PRICE, MEM_SEEN } from '../features/feature-memory.js';
import type { ModelEvent } from '../events/model-event.js';
import { logReturnInput } from '../features/market-features.js';
import { affine } from '../model/kernels/affine.js';
import type { LoadedModel } from '../model/load-model.js';
import { decodeRegression } from '../records/prediction.js';
import type { KeyState } from '../state/key-state.js';
import { outcomeMemoryParams } from '../runtime/outcome-memory.js';
import type { LiveScoresReading } from '../metrics/live-quality-metrics.js';
import { EwmaMean } from './ewma-mean.js';
import { LiveBaselinePredictor } from './live-baseline.js';
import type { LiveScoreSpec } from './live-score-spec.js';
import { PageHinkley, type PageHinkleyParams } from './page-hinkley.js';
import { qlikeOf } from './qlike.js';
import { F_BASE_AE, F_BASE_QLIKE, F_BASE_SE, F_MODEL_AE, F_MODEL_QLIKE, F_MODEL_SE, newScoreBuffer, SCORE_FIELDS, type ScoreBuffer } from './score-buffer.js';

/** Options of a {@link LiveScorer}. */
export interface LiveScorerOptions {
  /** Half-life of the rolling means, in scored events. */
  readonly halfLifeEvents: number;
  readonly drift: PageHinkleyParams;
  /** Epoch milliseconds (detection times). */
  readonly now: () => number;
  /** Called on each detection, after the counters moved. */
  readonly onDrift?: (scorer: LiveScorer, statistic: number) => void;
}

/** A model's live scores (rolling means; NaN before the first scored event). */
export interface LiveScores extends LiveScoresReading {
  readonly model: string;
  readonly version: string;
  readonly target: LiveScoreSpec['target'];
  readonly baseline: LiveScoreSpec['baseline'];
  readonly primary: LiveScoreSpec['primary'];
  readonly scored: number;
  /** Regression: mse, mae, qlike (NaN unless a volatility target); classes: hitRate. */
  readonly modelLoss: { readonly mse: number; readonly mae: number; readonly qlike: number; readonly hitRate: number };
  readonly baselineLoss: { readonly mse: number; readonly mae: number; readonly qlike: number; readonly hitRate: number };
  /** 1 - model primary loss / baseline primary loss. */
  readonly skill: number;
  readonly drift: { readonly statistic: number; readonly detections: number; readonly lastDetectionMs: number | null; readonly reference: number | null };
}

/** Live scores of one model version (see the file header). */
export class LiveScorer {
  readonly loaded: LoadedModel;
  readonly spec: LiveScoreSpec;
  private readonly options: LiveScorerOptions;
  private readonly baseline: LiveBaselinePredictor;
  private readonly out: Float32Array;
  private readonly hiddenSize: number;
  private readonly topLayer: number;
  private readonly means: EwmaMean[];
  private readonly detector: PageHinkley;
  /** The loss the drift detector's input is divided by (the manifest's validation loss, else the warm-up mean). */
  private reference: number | undefined;
  private warmupSum = 0;
  private warmupCount = 0;
  private scoredTotal = 0;
  private detections = 0;
  private lastDetectionMs: number | null = null;
  /** A vector target's row waits for the step's output ({@link complete}): its target (class index or numbers). */
  private pending = false;
  private readonly pendingTarget: Float64Array;

  constructor(loaded: LoadedModel, spec: LiveScoreSpec, options: LiveScorerOptions) {
    this.loaded = loaded;
    this.spec = spec;
    this.options = options;
    this.baseline = new LiveBaselinePredictor(spec, loaded.manifest, outcomeMemoryParams(loaded.manifest));
    const { hiddenSize, numLayers, outputSize } = loaded.model.spec;
    this.out = new Float32Array(outputSize);
    this.hiddenSize = hiddenSize;
    this.topLayer = (numLayers - 1) * hiddenSize;
    this.means = Array.from({ length: SCORE_FIELDS }, () => new EwmaMean(options.halfLifeEvents));
    this.detector = new PageHinkley(options.drift);
    this.reference = spec.validationLoss;
    this.pendingTarget = new Float64Array(spec.width);
  }

  /** A buffer for the scores of a batch of `events` events. */
  begin(events: number): ScoreBuffer {
    return newScoreBuffer(events);
  }

  /**
   * Before the step applies `event` (`state` of this model's version): a tick or token target
   * scores the key's previous prediction against `event` (its next tick or token) and writes the
   * row; a vector target keeps the event's target and the baseline's forecast for
   * {@link complete}. Returns whether a row was written or started (nothing to score on a key's
   * first tick or token, or on an event without a usable target). Allocates nothing.
   */
  score(buffer: ScoreBuffer, state: KeyState, event: ModelEvent): boolean {
    const spec = this.spec;
    if (spec.source === 'event_target') return this.startVectorRow(buffer, state, event);
    const memory = state.memory;
    if (state.step === 0 || memory[MEM_SEEN] === 0) return false;
    const row = buffer.count * SCORE_FIELDS;
    const v = buffer.values;
    if (spec.source === 'next_token') {
      // Within a sequence only, as training pairs w_t with w_{t+1} of the same line.
      if (event.kind !== 'token' || memory[MEM_LAST_END] !== 0) return false;
      const last = this.baseline.lastOutcome(memory);
      if (last < 0) return false;
      v[row + F_MODEL_SE] = argmax(this.previousOutput(state)) === event.id ? 0 : 1;
      v[row + F_BASE_SE] = last === event.id ? 0 : 1;
      buffer.count++;
      return true;
    }
    if (event.kind !== 'tick') return false;
    const out = this.previousOutput(state);
    const r = logReturnInput(event.price, memory[MEM_PREV_PRICE]);
    const y = this.baseline.targetOf(r);
    const b = this.baseline.predict(memory);
    if (spec.classes) {
      v[row + F_MODEL_SE] = argmax(out) === y ? 0 : 1;
      v[row + F_BASE_SE] = b === y ? 0 : 1;
    } else {
      const yhat = decodeRegression(this.loaded.manifest.output ?? { decode: 'identity' }, out[0], 0);
      v[row + F_MODEL_SE] = (yhat - y) * (yhat - y);
      v[row + F_MODEL_AE] = Math.abs(yhat - y);
      v[row + F_BASE_SE] = (b - y) * (b - y);
      v[row + F_BASE_AE] = Math.abs(b - y);
      if (spec.qlike !== 'none') {
        v[row + F_MODEL_QLIKE] = qlikeOf(spec.qlike, yhat, y);
        v[row + F_BASE_QLIKE] = qlikeOf(spec.qlike, b, y);
      }
    }
    buffer.count++;
    return true;
  }

  /**
   * After a step that {@link score} started a row for: the model's side of a vector target's row
   * from the step's head output `out` (the prediction after the event), which completes the row.
   * A no-op otherwise. Allocates nothing.
   */
  complete(buffer: ScoreBuffer, out: Float32Array): void {
    if (!this.pending) return;
    this.pending = false;
    const row = buffer.count * SCORE_FIELDS;
    const v = buffer.values;
    const y = this.pendingTarget;
    if (this.spec.classes) {
      v[row + F_MODEL_SE] = argmax(out) === y[0] ? 0 : 1;
    } else {
      const decode = this.loaded.manifest.output ?? { decode: 'identity' as const };
      let se = 0;
      let ae = 0;
      for (let i = 0; i < y.length; i++) {
        const e = decodeRegression(decode, out[i], i) - y[i];
        se += e * e;
        ae += Math.abs(e);
      }
      v[row + F_MODEL_SE] = se / y.length;
      v[row + F_MODEL_AE] = ae / y.length;
    }
    buffer.count++;
  }

  /** A vector event's target and the baseline's forecast, before the step (see {@link score}). */
  private startVectorRow(buffer: ScoreBuffer, state: KeyState, event: ModelEvent): boolean {
    this.pending = false;
    const spec = this.spec;
    const target = event.kind === 'vector' ? event.target : undefined;
    if (target === undefined || (spec.endsOnly && !event.end)) return false;
    const memory = state.memory;
    const row = buffer.count * SCORE_FIELDS;
    const v = buffer.values;
    if (spec.classes) {
      const y = target[0];
      const last = this.baseline.lastOutcome(memory);
      if (target.length !== 1 || !Number.isInteger(y) || y < 0 || y >= this.out.length || last < 0) return false;
      this.pendingTarget[0] = y;
      v[row + F_BASE_SE] = last === y ? 0 : 1;
    } else {
      if (target.length !== spec.width) return false;
      let se = 0;
      let ae = 0;
      for (let i = 0; i < target.length; i++) {
        const e = this.baseline.component(memory, i) - target[i];
        this.pendingTarget[i] = target[i];
        se += e * e;
        ae += Math.abs(e);
      }
      v[row + F_BASE_SE] = se / target.length;
      v[row + F_BASE_AE] = ae / target.length;
    }
    this.pending = true;
    return true;
  }

  /** The head applied to the key's stored top-layer h: the prediction made after its previous event. */
  private previousOutput(state: KeyState): Float32Array {
    const { headWeight, headBias } = this.loaded.model.params;
    affine(headWeight, this.out.length, this.hiddenSize, state.hidden, this.topLayer, headBias, 0, this.out, 0);
    return this.out;
  }

  /** Takes back the row {@link score} wrote or started (its event was then not applied). */
  retract(buffer: ScoreBuffer): void {
    if (this.pending) this.pending = false;
    else if (buffer.count > 0) buffer.count--;
  }

  /** Adds a published batch's scores to the rolling means and the drift detector, in event order. */
  fold(buffer: ScoreBuffer): void {
    const v = buffer.values;
    const primary = this.spec.primary === 'qlike' ? F_MODEL_QLIKE : F_MODEL_SE;
    for (let i = 0; i < buffer.count; i++) {
      const row = i * SCORE_FIELDS;
      for (let f = 0; f < SCORE_FIELDS; f++) this.means[f].add(v[row + f]);
      this.observeLoss(v[row + primary]);
    }
    this.scoredTotal += buffer.count;
  }

  /** The scores now (allocates; for scrapes, the live view and publishing). */
  scores(): LiveScores {
    const m = this.means;
    const classes = this.spec.classes;
    const withQlike = this.spec.qlike !== 'none';
    const side = (se: number, ae: number, ql: number) =>
      classes ? { mse: NaN, mae: NaN, qlike: NaN, hitRate: 1 - m[se].mean } : { mse: m[se].mean, mae: m[ae].mean, qlike: withQlike ? m[ql].mean : NaN, hitRate: NaN };
    const primary = this.spec.primary === 'qlike' ? [F_MODEL_QLIKE, F_BASE_QLIKE] : [F_MODEL_SE, F_BASE_SE];
    return {
      model: this.loaded.manifest.name,
      version: this.loaded.version,
      target: this.spec.target,
      baseline: this.spec.baseline,
      primary: this.spec.primary,
      scored: this.scoredTotal,
      modelLoss: side(F_MODEL_SE, F_MODEL_AE, F_MODEL_QLIKE),
      baselineLoss: side(F_BASE_SE, F_BASE_AE, F_BASE_QLIKE),
      skill: 1 - m[primary[0]].mean / m[primary[1]].mean,
      drift: { statistic: this.detector.statistic, detections: this.detections, lastDetectionMs: this.lastDetectionMs, reference: this.reference ?? null },
    };
  }

  private observeLoss(loss: number): void {
    if (this.reference === undefined) {
      // No validation loss in the manifest: the first minEvents losses set the scale.
      this.warmupSum += loss;
      this.warmupCount++;
      if (this.warmupCount < Math.max(1, this.options.drift.minEvents)) return;
      const mean = this.warmupSum / this.warmupCount;
      this.reference = mean > 0 ? mean : 1;
      return;
    }
    if (this.detector.add(loss / this.reference)) {
      const statistic = this.detector.lastAlarmStatistic;
      this.detections++;
      this.lastDetectionMs = this.options.now();
      this.options.onDrift?.(this, statistic);
    }
  }
}

function argmax(out: Float32Array): number {
  let best = 0;
  for (let i = 1; i < out.length; i++) if (out[i] > out[best]) best = i;
  return best;
}
