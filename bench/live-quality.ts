/**
 * Cost of live scoring (src/quality/). Two levels, contenders alternated over rounds in one
 * process, process CPU time per event printed as a range with the ratio to the run without
 * scoring of the same round:
 *
 *   step      ModelRuntime.advance per tick, against scorer.score + advance (and a fold per
 *             500 events), and scoring alone (score + fold on the same states, no step)
 *   pipeline  streamPipeline (decode, step, predictions, MemoryStateStore write, a sink that
 *             drops records, commit) over the same simulated ticks, without and with the scorer
 *
 * Model: examples/models/demo-gru.json (GRU, hidden 32), 1,000 symbols.
 *
 *   npm run bench:quality [-- --rounds 7 --events 200000]
 */
import { Registry } from 'prom-client';
import { lastValueFrom, Subject, toArray } from 'rxjs';
import { loadConfig } from '../src/config/load-config.js';
import { DEFAULT_DECODE_LIMITS } from '../src/events/decode-event.js';
import { decodeOptionsForModel } from '../src/events/decode-options-for-model.js';
import type { TickEvent } from '../src/events/model-event.js';
import { createPipelineMetrics } from '../src/metrics/pipeline-metrics.js';
import { loadModel } from '../src/model/load-model.js';
import { LiveQuality } from '../src/quality/live-quality.js';
import type { LiveScorer } from '../src/quality/live-scorer.js';
import { LiveModels } from '../src/runtime/live-models.js';
import { ModelRuntime } from '../src/runtime/model-runtime.js';
import { SyntheticMarket, TickBatches, type SimTick } from '../src/simulator/index.js';
import { MemoryStateStore } from '../src/state/memory-state-store.js';
import type { KeyState } from '../src/state/key-state.js';
import { PartitionTable } from '../src/stream/partition-table.js';
import type { StreamBatch } from '../src/stream/stream-batch.js';
import { streamPipeline } from '../src/stream/stream-pipeline.js';
import { DEFAULT_WORK_BUDGET, WorkBudget } from '../src/stream/work-budget.js';
import { pino } from 'pino';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : Number(process.argv[i + 1]);
};
const rounds = arg('rounds', 7);
const events = arg('events', 200_000);
const SYMBOLS = 1000;
const BATCH = 500;

const loaded = await loadModel('examples/models/demo-gru.json');
const { quality: qualityConfig } = await loadConfig({ env: {} });
const market = new SyntheticMarket({ symbols: SYMBOLS, seed: 7, rate: 1000, order: 'random' });
const ticks: SimTick[] = Array.from({ length: events }, () => ({ ...market.next({ symbol: '', symbolIndex: 0, ts: 0, price: 0, volume: 0, regime: 'calm' } as SimTick) }));
const tickEvents: TickEvent[] = ticks.map((t) => ({ kind: 'tick', key: t.symbol, ts: t.ts, price: t.price, volume: t.volume, end: false }));

function newScorer(): LiveScorer {
  const quality = new LiveQuality({ config: qualityConfig, metrics: createPipelineMetrics(new Registry(), { defaultMetrics: false }), logger: pino({ level: 'silent' }) });
  const scorer = quality.scorerFor(loaded);
  if (!scorer) throw new Error('the demo model is not scored live');
  return scorer;
}

/** One step-level contender: its own runtime, states and (maybe) scorer. */
function stepContender(mode: 'advance' | 'advance+score' | 'score'): () => void {
  const runtime = new ModelRuntime(loaded);
  const scorer = mode === 'advance' ? null : newScorer();
  const states: KeyState[] = Array.from({ length: SYMBOLS }, () => runtime.newKeyState());
  if (mode === 'score') {
    // States with history, so every event is scored.
    for (let i = 0; i < Math.min(events, 20 * SYMBOLS); i++) runtime.advance(states[ticks[i].symbolIndex], tickEvents[i]);
  }
  const buffer = scorer?.begin(BATCH) ?? null;
  return () => {
    for (let i = 0; i < events; i++) {
      const state = states[ticks[i].symbolIndex];
      if (scorer && buffer) {
        scorer.score(buffer, state, tickEvents[i]);
        if (buffer.count === BATCH) {
          scorer.fold(buffer);
          buffer.count = 0;
        }
      }
      if (mode !== 'score') runtime.advance(state, tickEvents[i]);
    }
  };
}

/** One pipeline contender: the demo's pipeline on its own store, with or without the scorer. */
function pipelineContender(scored: boolean): () => Promise<void> {
  const metrics = createPipelineMetrics(new Registry(), { defaultMetrics: false });
  const runtime = new ModelRuntime(loaded);
  const quality = scored ? new LiveQuality({ config: qualityConfig, metrics, logger: pino({ level: 'silent' }) }) : null;
  const batches = new TickBatches('ticks', 4, market.symbols);
  const store = new MemoryStateStore();
  const table = new PartitionTable();
  return async () => {
    const input = new Subject<StreamBatch>();
    const done = lastValueFrom(
      input.pipe(
        streamPipeline({
          models: new LiveModels(runtime), quality: quality ?? undefined, store, sink: { send: async () => undefined }, table, metrics,
          outputTopic: 'predictions', outputHeaders: 'none', deadLetterTopic: 'ticks.dlq',
          decode: decodeOptionsForModel(loaded.manifest, DEFAULT_DECODE_LIMITS), timestampPolicy: 'apply',
          maxBatchesInFlight: 4, now: () => Date.now(), budget: new WorkBudget(DEFAULT_WORK_BUDGET),
        }),
        toArray(),
      ),
    );
    for (let i = 0; i < events; i += BATCH) {
      const pending = batches.toBatches(ticks.slice(i, i + BATCH), Math.min(BATCH, events - i));
      for (const p of pending) input.next(p.batch);
      const outcomes = await Promise.all(pending.map((p) => p.outcome));
      for (const o of outcomes) if (o.status !== 'committed') throw new Error(`batch ${o.status}: ${String(o.error)}`);
    }
    input.complete();
    await done;
  };
}

async function cpuPerEvent(run: () => void | Promise<void>): Promise<number> {
  const start = process.cpuUsage();
  await run();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / events;
}

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
async function compare(title: string, contenders: Record<string, () => void | Promise<void>>): Promise<void> {
  const names = Object.keys(contenders);
  const cpu = new Map<string, number[]>(names.map((n) => [n, []]));
  const ratios = new Map<string, number[]>(names.map((n) => [n, []]));
  await cpuPerEvent(contenders[names[0]]); // warm-up (JIT), not counted
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? names : [...names].reverse();
    const us = new Map<string, number>();
    for (const n of order) us.set(n, await cpuPerEvent(contenders[n]));
    for (const n of names) {
      cpu.get(n)!.push(us.get(n)!);
      ratios.get(n)!.push(us.get(n)! / us.get(names[0])!);
    }
  }
  process.stdout.write(`\n${title}: ${rounds} rounds x ${events} events, process CPU per event (us), ratio to "${names[0]}" of the same round\n`);
  for (const n of names) {
    const c = cpu.get(n)!;
    const r = ratios.get(n)!;
    process.stdout.write(
      `  ${n.padEnd(24)} ${Math.min(...c).toFixed(2)}-${Math.max(...c).toFixed(2)} us (median ${median(c).toFixed(2)})` +
        `   ratio ${Math.min(...r).toFixed(3)}-${Math.max(...r).toFixed(3)} (median ${median(r).toFixed(3)})\n`,
    );
  }
}

process.stdout.write(`model ${loaded.manifest.name}@${loaded.version} (${loaded.manifest.cell}, hidden ${loaded.manifest.hiddenSize}), ${SYMBOLS} symbols, node ${process.version}\n`);
await compare('step', { advance: stepContender('advance'), 'advance + score': stepContender('advance+score'), 'score alone': stepContender('score') });
await compare('pipeline', { 'without scoring': pipelineContender(false), 'with scoring': pipelineContender(true) });
