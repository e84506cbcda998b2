/**
 * The independent verifier of a chaos run. What is expected comes from the run's own plan (which
 * messages are valid, and why the others are not) and from the float64 reference model
 * (chaos/reference), never from the pipeline's step or codecs; Redis states are parsed from the
 * format documented in docs/state.md (chaos/reference/key-state-format.ts). Checks:
 * - every key's stored state equals a sequential replay of its valid events (step, last offset,
 *   feature memory and latest return exactly, the EWMA variance of returns to 1e-12 relative;
 *   hidden values within HIDDEN_TOLERANCE; its recent inputs exactly the last RECENT_INPUTS valid
 *   ticks, ts, flags 0, price, volume);
 * - every valid input offset has >= 1 prediction (its first one matching the replay's output
 *   within OUTPUT_TOLERANCE and step), every invalid one >= 1 dead letter with the planned reason;
 * - repeated predictions and dead letters are byte-identical (at_least_once), or there is none
 *   (exactly_once: the topics are read read_committed, as that guarantee's consumers read them);
 * - per key, first predictions appear in offset order.
 * Under exactly_once the output topics are also read read_uncommitted, to count the copies that
 * only aborted transactions hold (what crashes between produce and commit left).
 */
import { Redis } from 'ioredis';
import type { PlannedMessage } from './event-stream.js';
import { readTopic, type ReadRecord } from './read-topic.js';
import { parseStoredKeyState } from './reference/key-state-format.js';
import { ReferenceModel, type ReferenceState } from './reference/reference-model.js';

/**
 * |stored float32 h - float64 replay| allowed: float32 rounding accumulated over a key's steps
 * (measured up to ~2e-7 over ~100-300 steps per key of the chaos GRU; a state one event off
 * differs by 1e-2 and more).
 */
export const HIDDEN_TOLERANCE = 1e-5;
/** model.warmStartInputs of the chaos runs: each stored state keeps its key's last this many ticks. */
export const RECENT_INPUTS = 64;
/** |prediction output - float64 replay| allowed (same reasoning). */
export const OUTPUT_TOLERANCE = 1e-5;

export interface VerifyInput {
  readonly brokers: string[];
  readonly redisUrl: string;
  readonly keyPrefix: string;
  readonly input: string;
  readonly output: string;
  readonly dlq: string;
  readonly manifestPath: string;
  readonly plan: readonly PlannedMessage[];
  /** The service's output.guarantee in the run. */
  readonly guarantee: 'at_least_once' | 'exactly_once';
}

/** What the verifier found; a run passes when every count but the totals and repeats is 0. */
export interface VerifyResult {
  events: number;
  valid: number;
  invalid: number;
  lostPredictions: number;
  lostDeadLetters: number;
  wrongReason: number;
  unexpectedPredictions: number;
  repeatsIdentical: number;
  repeatsDiffering: number;
  predictionMismatches: number;
  orderViolations: number;
  stateMismatches: number;
  maxHiddenError: number;
  maxOutputError: number;
  unknownMessages: number;
  /** exactly_once: output records seen read_uncommitted but not read_committed (aborted transactions). */
  abortedCopies: number;
  /** Under exactly_once every repeat seen read_committed is a failure. */
  exactlyOnce: boolean;
  problems: string[];
}

const text = (v: unknown): string => (Buffer.isBuffer(v) ? v.toString() : String(v));

export async function verifyRun(input: VerifyInput): Promise<VerifyResult> {
  const r: VerifyResult = {
    events: 0, valid: 0, invalid: 0, lostPredictions: 0, lostDeadLetters: 0, wrongReason: 0, unexpectedPredictions: 0,
    repeatsIdentical: 0, repeatsDiffering: 0, predictionMismatches: 0, orderViolations: 0, stateMismatches: 0,
    maxHiddenError: 0, maxOutputError: 0, unknownMessages: 0, abortedCopies: 0, exactlyOnce: input.guarantee === 'exactly_once', problems: [],
  };
  const note = (p: string): void => {
    if (r.problems.length < 20) r.problems.push(p);
  };
  const model = new ReferenceModel(input.manifestPath);
  const [log, outputs, deadLetters] = await Promise.all([
    readTopic(input.brokers, input.input), readTopic(input.brokers, input.output), readTopic(input.brokers, input.dlq),
  ]);
  if (r.exactlyOnce) {
    const count = (topics: ReadRecord[][][]): number => topics.reduce((n, t) => n + t.reduce((m, p) => m + p.length, 0), 0);
    const uncommitted = await Promise.all([readTopic(input.brokers, input.output, { readUncommitted: true }), readTopic(input.brokers, input.dlq, { readUncommitted: true })]);
    r.abortedCopies = count(uncommitted) - count([outputs, deadLetters]);
  }

  // The replay: every partition in offset order, valid events applied to their key's state.
  const expected = new Map<string, { reason: string | null; output?: Float64Array; step?: number; key: string | null }>();
  type Tick = NonNullable<PlannedMessage['tick']>;
  const states = new Map<string, { state: ReferenceState; partition: number; lastOffset: number; recent: Tick[] }>();
  for (const records of log) {
    for (const m of records) {
      r.events++;
      const id = Number(text(m.headers['chaos-id']));
      const planned = input.plan[id];
      if (!Number.isInteger(id) || planned === undefined) {
        r.unknownMessages++;
        note(`input ${m.partition}:${m.offset} has no known chaos-id`);
        continue;
      }
      const at = `${m.partition}:${m.offset}`;
      if (planned.reason !== null || planned.tick === null) {
        r.invalid++;
        expected.set(at, { reason: planned.reason, key: planned.key });
        continue;
      }
      r.valid++;
      const key = planned.key!;
      let entry = states.get(key);
      if (!entry) states.set(key, (entry = { state: model.initialState(), partition: m.partition, lastOffset: -1, recent: [] }));
      if (entry.partition !== m.partition) note(`key ${key} valid in two partitions (${entry.partition}, ${m.partition})`);
      const output = model.step(planned.tick, entry.state);
      entry.lastOffset = m.offset;
      entry.recent.push(planned.tick);
      if (entry.recent.length > RECENT_INPUTS) entry.recent.shift();
      expected.set(at, { reason: null, output, step: entry.state.step, key });
    }
  }

  // Predictions: grouped by source offset; the first copy checked against the replay.
  const seen = new Map<string, Buffer>();
  const lastFirstOffset = new Map<string, number>();
  for (const records of outputs) {
    for (const rec of records) {
      const value = rec.value ?? Buffer.alloc(0);
      const body = JSON.parse(value.toString()) as { key: string; step: number; output: number[]; source: { partition: number; offset: string } };
      const at = `${body.source.partition}:${body.source.offset}`;
      const first = seen.get(at);
      if (first) {
        if (r.exactlyOnce) note(`prediction for ${at} seen twice by a read_committed consumer`);
        if (first.equals(value)) r.repeatsIdentical++;
        else {
          r.repeatsDiffering++;
          note(`prediction for ${at} repeated with other bytes`);
        }
        continue;
      }
      seen.set(at, value);
      const want = expected.get(at);
      if (!want || want.reason !== null) {
        r.unexpectedPredictions++;
        note(`prediction for ${at}, which is ${want ? `invalid (${want.reason})` : 'not in the input'}`);
        continue;
      }
      let err = 0;
      body.output.forEach((v, o) => (err = Math.max(err, Math.abs(v - want.output![o]))));
      r.maxOutputError = Math.max(r.maxOutputError, err);
      if (err > OUTPUT_TOLERANCE || body.step !== want.step || body.key !== want.key) {
        r.predictionMismatches++;
        note(`prediction for ${at}: step ${body.step} (want ${want.step}), output error ${err.toExponential(2)}`);
      }
      const offset = Number(body.source.offset);
      const prev = lastFirstOffset.get(body.key) ?? -1;
      if (offset < prev) {
        r.orderViolations++;
        note(`key ${body.key}: first prediction of offset ${offset} after that of ${prev}`);
      }
      lastFirstOffset.set(body.key, Math.max(prev, offset));
    }
  }

  // Dead letters: reason and source from headers; repeats compared byte for byte with the reason.
  const seenDead = new Map<string, string>();
  for (const records of deadLetters) {
    for (const rec of records as ReadRecord[]) {
      const at = `${text(rec.headers['rnn-stream-source-partition'])}:${text(rec.headers['rnn-stream-source-offset'])}`;
      const reason = text(rec.headers['rnn-stream-reason']);
      const fingerprint = `${reason}\u0000${(rec.value ?? Buffer.alloc(0)).toString('base64')}\u0000${rec.key?.toString('base64') ?? ''}`;
      const first = seenDead.get(at);
      if (first !== undefined) {
        if (r.exactlyOnce) note(`dead letter for ${at} seen twice by a read_committed consumer`);
        if (first === fingerprint) r.repeatsIdentical++;
        else {
          r.repeatsDiffering++;
          note(`dead letter for ${at} repeated with other bytes`);
        }
        continue;
      }
      seenDead.set(at, fingerprint);
      const want = expected.get(at);
      if (!want || want.reason === null || want.reason !== reason) {
        r.wrongReason++;
        note(`dead letter for ${at}: reason ${reason}, expected ${want ? (want.reason ?? 'a prediction') : 'nothing'}`);
      }
    }
  }
  for (const [at, want] of expected) {
    if (want.reason === null && !seen.has(at)) {
      r.lostPredictions++;
      note(`no prediction for valid ${at}`);
    }
    if (want.reason !== null && !seenDead.has(at)) {
      r.lostDeadLetters++;
      note(`no dead letter for invalid ${at} (${want.reason})`);
    }
  }

  // States in Redis, parsed from the documented format.
  const redis = new Redis(input.redisUrl, { maxRetriesPerRequest: 3 });
  try {
    const stored = new Map<number, Map<string, Buffer>>();
    for (let p = 0; p < log.length; p++) {
      const flat = await redis.hgetallBuffer(`${input.keyPrefix}:{${input.input}:${p}}:states`);
      stored.set(p, new Map(Object.entries(flat)));
    }
    for (const [key, { state, partition, lastOffset, recent }] of states) {
      const bytes = stored.get(partition)?.get(key);
      if (!bytes) {
        r.stateMismatches++;
        note(`key ${key}: no state in Redis`);
        continue;
      }
      const s = parseStoredKeyState(bytes);
      const want = model.flatHidden(state);
      let err = 0;
      for (let i = 0; i < want.length; i++) err = Math.max(err, Math.abs(s.hidden[i] - want[i]));
      if (s.hidden.length !== want.length) err = Infinity;
      r.maxHiddenError = Math.max(r.maxHiddenError, err);
      const memoryOk = s.memory.length === 6 && s.memory[0] === state.prevPrice && s.memory[1] === state.prevTs && s.memory[2] === 1
        && s.memory[3] === state.lastReturn && s.memory[4] === state.returns
        && Math.abs(s.memory[5] - state.ewmaVariance) <= 1e-12 * Math.abs(state.ewmaVariance);
      const recentOk = s.recent.length === recent.length && s.recent.every((e, i) =>
        e.length === 4 && e[0] === recent[i].ts && e[1] === 0 && e[2] === recent[i].price && e[3] === recent[i].volume);
      if (err > HIDDEN_TOLERANCE || s.step !== state.step || s.lastOffset !== lastOffset || !memoryOk || !recentOk) {
        r.stateMismatches++;
        note(`key ${key}: step ${s.step}/${state.step}, last offset ${s.lastOffset}/${lastOffset}, memory ${memoryOk ? 'ok' : 'differs'}, recent inputs ${recentOk ? 'ok' : 'differ'}, h error ${err.toExponential(2)}`);
      }
    }
  } finally {
    redis.disconnect();
  }
  return r;
}

/** Whether nothing went wrong (under exactly_once, a repeat went wrong too). */
export function passed(r: VerifyResult): boolean {
  return (
    r.lostPredictions + r.lostDeadLetters + r.wrongReason + r.unexpectedPredictions + r.repeatsDiffering +
      r.predictionMismatches + r.orderViolations + r.stateMismatches + r.unknownMessages + (r.exactlyOnce ? r.repeatsIdentical : 0) === 0 && r.valid > 0
  );
}
