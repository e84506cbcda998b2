/**
 * The per-event core of a backtest, whatever the input (a file's lines, or a time range of a
 * Kafka topic): decode with the live pipeline's decoder, advance the key's in-memory state with
 * ModelRuntime, build the prediction. Inputs must come in per-key order (file order, or offset
 * order within a partition, where a key lives).
 */
import { DEFAULT_DECODE_LIMITS, decodeEvent, type DecodeOptions } from '../events/decode-event.js';
import { decodeOptionsForModel, type DecodeLimits } from '../events/decode-options-for-model.js';
import type { RejectReason } from '../events/reject-reason.js';
import type { LoadedModel } from '../model/load-model.js';
import { buildPrediction, type Prediction } from '../records/prediction.js';
import { ModelRuntime } from '../runtime/model-runtime.js';
import { nonFiniteOutputRejection } from '../runtime/non-finite-output.js';
import type { KeyState } from '../state/key-state.js';

/** Where an input came from: a file line (partition -1, pos = line) or a Kafka partition and offset. */
export interface InputPosition {
  readonly partition: number;
  readonly pos: number;
}

/** Counts of a backtest run. */
export interface BacktestSummary {
  /** Inputs seen: file lines, or Kafka messages. */
  lines: number;
  blank: number;
  predictions: number;
  /** Valid events applied before `predictFrom` (state only, no prediction written). */
  warmUp: number;
  invalid: number;
  invalidByReason: Partial<Record<RejectReason, number>>;
  timestampRegressions: number;
  /** Token events whose token was not in the vocabulary (applied as the unknown id). */
  unknownTokens: number;
  keys: number;
}

/** Callbacks and settings of a {@link BacktestRunner}. */
export interface BacktestRunnerOptions {
  readonly loaded: LoadedModel;
  /** Called for every prediction, in input order; a returned promise is awaited (backpressure). */
  readonly onPrediction: (p: Prediction, at: InputPosition) => void | Promise<void>;
  /** Called for every invalid input. */
  readonly onInvalid?: (at: InputPosition, reason: RejectReason, detail: string) => void;
  readonly limits?: Partial<DecodeLimits>;
  /**
   * Epoch ms: a key's events advance its state but yield no prediction until its first event
   * with `ts` at or after this instant (in arrival order; from then on every event of the key
   * yields one). The cut rule of training's calendar-time splits (train/split-at-times.ts), so a
   * backtest reproduces the predictions of a validation window after the same warm-up.
   */
  readonly predictFrom?: number;
}

/** Applies inputs one by one; see the file comment. */
export class BacktestRunner {
  readonly summary: BacktestSummary = {
    lines: 0, blank: 0, predictions: 0, warmUp: 0, invalid: 0, invalidByReason: {}, timestampRegressions: 0, unknownTokens: 0, keys: 0,
  };
  /** Every key's state, by key. */
  readonly states = new Map<string, KeyState>();
  private readonly runtime: ModelRuntime;
  private readonly decodeOpts: DecodeOptions;
  private readonly opts: BacktestRunnerOptions;
  private readonly predictFrom: number;
  /** Keys whose cut at `predictFrom` has passed. */
  private readonly predicting = new Set<string>();

  constructor(opts: BacktestRunnerOptions) {
    this.opts = opts;
    this.runtime = new ModelRuntime(opts.loaded);
    this.decodeOpts = decodeOptionsForModel(opts.loaded.manifest, { ...DEFAULT_DECODE_LIMITS, ...opts.limits });
    this.predictFrom = opts.predictFrom ?? -Infinity;
  }

  /**
   * Applies one input: `messageKey` is the Kafka message key (undefined for a file line), checked
   * against the body's key as the stream does. Returns the consumer's promise when it asks to wait.
   */
  apply(value: string | Uint8Array | null, messageKey: string | null | undefined, at: InputPosition): void | Promise<void> {
    const summary = this.summary;
    summary.lines++;
    const decoded = decodeEvent(value, messageKey, this.decodeOpts);
    if (!decoded.ok) return this.countInvalid(at, decoded.reason, decoded.detail);
    const event = decoded.event;
    let state = this.states.get(event.key);
    if (!state) {
      state = this.runtime.newKeyState();
      this.states.set(event.key, state);
      summary.keys++;
    }
    const result = this.runtime.advance(state, event);
    if (result === 'non_finite') {
      // The model diverged on this event: reported like an invalid input, state left as it was
      // (the streaming pipeline dead-letters it with the same reason).
      const { reason, detail } = nonFiniteOutputRejection(event.key);
      return this.countInvalid(at, reason, detail);
    }
    if (result === 'backwards') summary.timestampRegressions++;
    if (event.kind === 'token' && event.unknown) summary.unknownTokens++;
    if (this.predictFrom !== -Infinity && !this.predicting.has(event.key)) {
      if (event.ts < this.predictFrom) {
        summary.warmUp++;
        return;
      }
      this.predicting.add(event.key);
    }
    summary.predictions++;
    return this.opts.onPrediction(buildPrediction(this.opts.loaded.manifest, this.opts.loaded.version, event, state.step, this.runtime.out), at);
  }

  /** Counts and reports an input refused before decoding (e.g. a message key that is not UTF-8). */
  reject(at: InputPosition, reason: RejectReason, detail: string): void {
    this.summary.lines++;
    this.countInvalid(at, reason, detail);
  }

  private countInvalid(at: InputPosition, reason: RejectReason, detail: string): void {
    const summary = this.summary;
    summary.invalid++;
    summary.invalidByReason[reason] = (summary.invalidByReason[reason] ?? 0) + 1;
    this.opts.onInvalid?.(at, reason, detail);
  }
}
