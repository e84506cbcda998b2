/**
 * Offline backtest of a file: replays a JSONL file of events through a model, one key's events
 * in file order, with per-key state in memory, and emits one prediction per valid event. The
 * reference the streaming pipeline is checked against (same decode, same transform, same step;
 * backtest-runner.ts).
 */
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { DecodeLimits } from '../events/decode-options-for-model.js';
import type { RejectReason } from '../events/reject-reason.js';
import type { LoadedModel } from '../model/load-model.js';
import type { Prediction } from '../records/prediction.js';
import type { KeyState } from '../state/key-state.js';
import { BacktestRunner, type BacktestSummary } from './backtest-runner.js';

export type { BacktestSummary } from './backtest-runner.js';

export interface BacktestOptions {
  readonly loaded: LoadedModel;
  readonly input: Readable;
  /** Called for every prediction, in input order. */
  readonly onPrediction: (p: Prediction, line: number) => void | Promise<void>;
  /** Called for every invalid line. */
  readonly onInvalid?: (line: number, reason: RejectReason, detail: string) => void;
  readonly limits?: Partial<DecodeLimits>;
  /** Events before this instant (epoch ms, per key) only warm its state up (BacktestRunnerOptions.predictFrom). */
  readonly predictFrom?: number;
}

/** Result of a backtest: the summary and every key's final state. */
export interface BacktestResult {
  readonly summary: BacktestSummary;
  readonly states: Map<string, KeyState>;
}

/** Runs a backtest over `input` (one JSON event per line). */
export async function runBacktest(opts: BacktestOptions): Promise<BacktestResult> {
  const { onPrediction, onInvalid } = opts;
  const runner = new BacktestRunner({
    loaded: opts.loaded,
    limits: opts.limits,
    predictFrom: opts.predictFrom,
    onPrediction: (p, at) => onPrediction(p, at.pos),
    onInvalid: onInvalid && ((at, reason, detail) => onInvalid(at.pos, reason, detail)),
  });
  const summary = runner.summary;
  const rl = createInterface({ input: opts.input, crlfDelay: Infinity });
  let line = 0;
  for await (const raw of rl) {
    line++;
    // A UTF-8 byte-order mark (as some editors write) is not part of the first event.
    const text = line === 1 && raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
    if (text.trim() === '') {
      summary.lines++;
      summary.blank++;
      continue;
    }
    // Awaited only when the consumer asks to wait (a full output buffer), not once per event.
    const written = runner.apply(text, undefined, { partition: -1, pos: line });
    if (written) await written;
  }
  return { summary, states: runner.states };
}
