/**
 * Offline backtest: replays a JSONL file of events through a model, one key's events in file
 * order, with per-key state in memory, and emits one prediction per valid event. The reference
 * the streaming pipeline is checked against (same decode, same transform, same step).
 */
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { DEFAULT_DECODE_LIMITS, decodeEvent } from '../events/decode-event.js';
import { decodeOptionsForModel, type DecodeLimits } from '../events/decode-options-for-model.js';
import { buildPrediction, type Prediction } from '../records/prediction.js';
import type { RejectReason } from '../events/reject-reason.js';
import type { LoadedModel } from '../model/load-model.js';
import type { KeyState } from '../state/key-state.js';
import { ModelRuntime } from '../runtime/model-runtime.js';
import { nonFiniteOutputRejection } from '../runtime/non-finite-output.js';

/** Counts of a backtest run. */
export interface BacktestSummary {
  lines: number;
  blank: number;
  predictions: number;
  invalid: number;
  invalidByReason: Partial<Record<RejectReason, number>>;
  timestampRegressions: number;
  /** Token events whose token was not in the vocabulary (applied as the unknown id). */
  unknownTokens: number;
  keys: number;
}

export interface BacktestOptions {
  readonly loaded: LoadedModel;
  readonly input: Readable;
  /** Called for every prediction, in input order. */
  readonly onPrediction: (p: Prediction, line: number) => void | Promise<void>;
  /** Called for every invalid line. */
  readonly onInvalid?: (line: number, reason: RejectReason, detail: string) => void;
  readonly limits?: Partial<DecodeLimits>;
}

/** Result of a backtest: the summary and every key's final state. */
export interface BacktestResult {
  readonly summary: BacktestSummary;
  readonly states: Map<string, KeyState>;
}

/** Runs a backtest over `input` (one JSON event per line). */
export async function runBacktest(opts: BacktestOptions): Promise<BacktestResult> {
  const runtime = new ModelRuntime(opts.loaded);
  const decodeOpts = decodeOptionsForModel(opts.loaded.manifest, { ...DEFAULT_DECODE_LIMITS, ...opts.limits });
  const states = new Map<string, KeyState>();
  const summary: BacktestSummary = {
    lines: 0, blank: 0, predictions: 0, invalid: 0, invalidByReason: {}, timestampRegressions: 0, unknownTokens: 0, keys: 0,
  };
  const rl = createInterface({ input: opts.input, crlfDelay: Infinity });
  for await (const raw of rl) {
    const line = ++summary.lines;
    // A UTF-8 byte-order mark (as some editors write) is not part of the first event.
    const text = line === 1 && raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
    if (text.trim() === '') {
      summary.blank++;
      continue;
    }
    const decoded = decodeEvent(text, undefined, decodeOpts);
    if (!decoded.ok) {
      summary.invalid++;
      summary.invalidByReason[decoded.reason] = (summary.invalidByReason[decoded.reason] ?? 0) + 1;
      opts.onInvalid?.(line, decoded.reason, decoded.detail);
      continue;
    }
    const event = decoded.event;
    let state = states.get(event.key);
    if (!state) {
      state = runtime.newKeyState();
      states.set(event.key, state);
    }
    const result = runtime.advance(state, event);
    if (result === 'non_finite') {
      // The model diverged on this event: reported like an invalid line, state left as it was
      // (the streaming pipeline dead-letters it with the same reason).
      const { reason, detail } = nonFiniteOutputRejection(event.key);
      summary.invalid++;
      summary.invalidByReason[reason] = (summary.invalidByReason[reason] ?? 0) + 1;
      opts.onInvalid?.(line, reason, detail);
      continue;
    }
    if (result === 'backwards') summary.timestampRegressions++;
    if (event.kind === 'token' && event.unknown) summary.unknownTokens++;
    summary.predictions++;
    // Awaited only when the consumer asks to wait (a full output buffer), not once per event.
    const written = opts.onPrediction(buildPrediction(opts.loaded.manifest, opts.loaded.version, event, state.step, runtime.out), line);
    if (written) await written;
  }
  summary.keys = states.size;
  return { summary, states };
}
