/**
 * Live-model benchmark: `npm run bench:live-models [-- --rounds 7] [-- --keys 2000] [-- --json]`.
 *
 * A market-tick GRU of hidden 32 (one layer, the model of bench:pipeline), keys with
 * model.warmStartInputs = 64 recent inputs. Contenders, alternated over rounds in one process,
 * measured by process CPU time (process.cpuUsage):
 *
 * - `champion`: the per-event work of the pipeline's model stage for the champion alone: its
 *   live scoring of the key's previous prediction (LiveScorer.score/complete, folded per round
 *   as per batch), one step (features, cell, head), the recent-inputs push, and the key's state
 *   encoded as the batch write encodes it (each event on another key, the worst case for encoding).
 * - `champion + 1 shadow`: the same plus one shadow (ShadowRun.advance: its scoring, its own step
 *   into its own state, and that state encoded too). The difference is a shadow's cost per event.
 * - `warm start`: warmStart of one key over its 64 recent inputs (at a swap, once per key),
 *   reported per key and as a multiple of one champion event.
 *
 * It also prints the encoded state bytes per key with and without the 64 recent inputs. Kafka
 * and Redis I/O are not included (bench:pipeline measures those): a shadow adds its states' bytes
 * to the batch's one Redis write, not a round trip.
 */
import { parseArgs } from 'node:util';
import { encodedKeyStateLength, encodeKeyStateInto } from '../src/state/key-state-codec.js';
import type { KeyState } from '../src/state/key-state.js';
import { initParams } from '../src/model/init-params.js';
import { parseManifest, type LoadedModel } from '../src/model/load-model.js';
import { SeededRandom } from '../src/model/random.js';
import { RnnModel } from '../src/model/rnn-model.js';
import { ModelRuntime } from '../src/runtime/model-runtime.js';
import { warmStart } from '../src/runtime/warm-start.js';
import type { TickEvent } from '../src/events/model-event.js';
import { ShadowRun } from '../src/stream/shadow-run.js';
import { LiveScorer } from '../src/quality/live-scorer.js';
import { liveScoreSpec, type LiveScoreSpec } from '../src/quality/live-score-spec.js';

const W = 64;
const { values: opts } = parseArgs({ options: { rounds: { type: 'string', default: '7' }, keys: { type: 'string', default: '2000' }, json: { type: 'boolean' } } });
const ROUNDS = Number(opts.rounds);
const KEYS = Number(opts.keys);

function tickModel(version: string, seed: number, cell: 'gru' | 'lstm' = 'gru'): LoadedModel {
  const manifest = parseManifest({
    format: 'rnn-stream.model/v1', name: `bench-${version}`, cell, inputSize: 3, hiddenSize: 32, numLayers: 1, outputSize: 1, weights: 'unused.safetensors',
    features: { kind: 'market', inputs: ['log_return', 'log_volume', 'time_gap'] }, normalisation: { mean: [0, 5, 0.5], std: [0.01, 2, 0.5] },
    output: { names: ['next_logret'], mean: [0], std: [0.002], decode: 'identity', target: 'next_logret' },
  });
  const model = new RnnModel(manifest, initParams(manifest, new SeededRandom(seed)));
  return { manifest, model, version, manifestPath: '/dev/null', weightsPath: '/dev/null' };
}

/** Seeded ticks, one array per key, `perKey` each, prices on a random walk. */
function ticks(perKey: number): TickEvent[][] {
  const rng = new SeededRandom(3);
  return Array.from({ length: KEYS }, (_, k) => {
    let price = 50 + rng.uniform(0, 100);
    return Array.from({ length: perKey }, (_, i) => {
      price *= Math.exp(0.002 * rng.normal());
      return { kind: 'tick' as const, key: `SYM${k}`, ts: 1_764_000_000_000 + i * 100 + k, price, volume: rng.int(1000), end: false };
    });
  });
}

const cpuUs = (): number => {
  const { user, system } = process.cpuUsage();
  return user + system;
};

const champion = new ModelRuntime(tickModel('0123456789abcdef', 1), { recentInputs: W });
const shadowRuntime = new ModelRuntime(tickModel('fedcba9876543210', 2), { recentInputs: W });
/** A scorer of `runtime`'s model with the defaults of config/default.yaml (quality). */
function scorerOf(runtime: ModelRuntime): LiveScorer {
  const spec = liveScoreSpec(runtime.loaded.manifest);
  if ('unscored' in spec) throw new Error(spec.unscored);
  return new LiveScorer(runtime.loaded, spec as LiveScoreSpec, { halfLifeEvents: 1000, drift: { delta: 0.1, lambda: 200, minEvents: 500 }, now: Date.now });
}
const championScorer = scorerOf(champion);
const shadowScorer = scorerOf(shadowRuntime);
const history = ticks(W + 200);
/** Every key's champion state with its recent inputs filled with W events. */
function filledStates(): KeyState[] {
  return history.map((events) => {
    const state = champion.newKeyState();
    for (let i = 0; i < W; i++) {
      champion.advance(state, events[i]);
      state.recent!.push(events[i]);
    }
    return state;
  });
}
// Each contender has its own states: a shadow state is followed only while the champion's
// state of the key advances with it (else it is warmed up again, as the pipeline does).
const alone = { states: filledStates(), cursor: W };
const paired = { states: filledStates(), cursor: W };
const states = alone.states;
const encodeBuffer = Buffer.allocUnsafe(64 * 1024);
const shadowStates = new Map<string, KeyState>();

/** Applies one event to every key (each a distinct key, as in a batch of KEYS keys); returns CPU µs per event. */
function championRound(withShadow: boolean): number {
  const run = withShadow ? paired : alone;
  const states = run.states;
  const cursor = run.cursor;
  const t0 = cpuUs();
  const shadow = withShadow ? new ShadowRun(shadowRuntime, shadowStates, KEYS, shadowScorer) : null;
  const scores = championScorer.begin(KEYS);
  for (let k = 0; k < KEYS; k++) {
    const state = states[k];
    const event = history[k][cursor];
    const before = state.lastOffset;
    const scored = championScorer.score(scores, state, event);
    champion.advance(state, event);
    if (scored) championScorer.complete(scores, champion.out);
    state.lastOffset = cursor;
    shadow?.advance(event.key, event, cursor, k, before, state.recent);
    state.recent!.push(event);
    encodeKeyStateInto(state, encodeBuffer, 0);
    if (shadow) encodeKeyStateInto(shadow.touched.get(event.key)!, encodeBuffer, 0);
  }
  championScorer.fold(scores);
  if (shadow?.scores) shadow.scores.scorer.fold(shadow.scores.buffer);
  const used = (cpuUs() - t0) / KEYS;
  run.cursor = cursor + 1 >= history[0].length ? W : cursor + 1;
  if (shadow && shadow.warmed > 0 && results.shadow.length > 0) throw new Error(`${shadow.warmed} shadow states were warmed up again during a timed round`);
  if (scores.count !== KEYS || (shadow && shadow.scores!.buffer.count !== KEYS)) throw new Error('every event of a timed round must be scored');
  return used;
}

/** Warms every key's state up for the shadow model from its recent inputs; returns CPU µs per key. */
function warmRound(): number {
  const t0 = cpuUs();
  let replayed = 0;
  for (let k = 0; k < KEYS; k++) replayed += warmStart(shadowRuntime, `SYM${k}`, states[k].recent).replayed;
  if (replayed !== KEYS * W) throw new Error(`warm start replayed ${replayed} events, expected ${KEYS * W}`);
  return (cpuUs() - t0) / KEYS;
}

const results = { champion: [] as number[], shadow: [] as number[], warm: [] as number[] };
// Warm-up: JIT, and the shadow's states (warmed up once, then followed event by event).
for (let i = 0; i < 3; i++) {
  championRound(false);
  championRound(true);
  warmRound();
}
for (let r = 0; r < ROUNDS; r++) {
  const order = r % 2 === 0 ? ['champion', 'shadow', 'warm'] : ['warm', 'shadow', 'champion'];
  for (const which of order) {
    if (which === 'champion') results.champion.push(championRound(false));
    else if (which === 'shadow') results.shadow.push(championRound(true));
    else results.warm.push(warmRound());
  }
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const range = (xs: number[]): string => `${Math.min(...xs).toFixed(2)}-${Math.max(...xs).toFixed(2)}`;
const shadowExtra = results.shadow.map((s, i) => s - results.champion[i]);
const ratios = results.shadow.map((s, i) => s / results.champion[i]);
const warmRatios = results.warm.map((w, i) => w / results.champion[i]);
const bytesWith = encodedKeyStateLength(states[0]);
const bytesWithout = encodedKeyStateLength({ ...states[0], recent: undefined });
const shadowBytes = encodedKeyStateLength(shadowStates.get('SYM0')!);
const summary = {
  model: 'market ticks, GRU hidden 32, 1 layer, next_logret, scored live', warmStartInputs: W, keys: KEYS, rounds: ROUNDS,
  championCpuUsPerEvent: { median: median(results.champion), range: range(results.champion) },
  withShadowCpuUsPerEvent: { median: median(results.shadow), range: range(results.shadow) },
  shadowExtraCpuUsPerEvent: { median: median(shadowExtra), range: range(shadowExtra) },
  withShadowOverChampion: { median: median(ratios), range: range(ratios) },
  warmStartCpuUsPerKey: { median: median(results.warm), range: range(results.warm) },
  warmStartOverOneEvent: { median: median(warmRatios), range: range(warmRatios) },
  stateBytesPerKey: { withRecentInputs: bytesWith, withoutRecentInputs: bytesWithout, shadowState: shadowBytes },
};
if (opts.json) {
  process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
} else {
  const f = (m: { median: number; range: string }, unit: string): string => `${m.median.toFixed(2)} ${unit} (rounds: ${m.range})`;
  process.stdout.write(
    [
      `live models: ${summary.model}, W = ${W}, ${KEYS} keys, ${ROUNDS} rounds alternated, process CPU time`,
      `  champion alone            ${f(summary.championCpuUsPerEvent, 'µs/event')}`,
      `  champion + 1 shadow       ${f(summary.withShadowCpuUsPerEvent, 'µs/event')}`,
      `  a shadow's cost           ${f(summary.shadowExtraCpuUsPerEvent, 'µs/event')}; x${f(summary.withShadowOverChampion, '')} the champion alone`,
      `  warm start (64 inputs)    ${f(summary.warmStartCpuUsPerKey, 'µs/key')}; x${f(summary.warmStartOverOneEvent, '')} one champion event`,
      `  state bytes per key       ${bytesWith} with 64 recent inputs, ${bytesWithout} without; a shadow's state ${shadowBytes}`,
      '',
    ].join('\n'),
  );
}
