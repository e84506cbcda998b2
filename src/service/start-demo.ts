/**
 * The embedded demo: simulated ticks -> the same RxJS operators as `rnn-stream run` (fed with
 * neutral batches instead of Kafka) -> the console, with in-memory state and /metrics served.
 * No Kafka, no Redis, no Docker.
 */
import type { Writable } from 'node:stream';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import type { QualityConfig } from '../config/service-config.js';
import { LiveQuality } from '../quality/live-quality.js';
import { Subject } from 'rxjs';
import { RnnStreamError } from '../errors/index.js';
import { DEFAULT_DECODE_LIMITS } from '../events/decode-event.js';
import { paceTicks, SyntheticMarket, TickBatches, type SymbolOrder } from '../simulator/index.js';
import { startMetricsServer } from '../metrics/metrics-server.js';
import { createPipelineMetrics } from '../metrics/pipeline-metrics.js';
import type { LoadedModel } from '../model/load-model.js';
import { MemoryStateStore } from '../state/memory-state-store.js';
import { ModelRuntime } from '../runtime/model-runtime.js';
import { LiveModels } from '../runtime/live-models.js';
import { PartitionTable } from '../stream/partition-table.js';
import type { RecordSink } from '../stream/record-sink.js';
import type { StreamBatch } from '../stream/stream-batch.js';
import { decodeOptionsForModel } from '../events/decode-options-for-model.js';
import { streamPipeline } from '../stream/stream-pipeline.js';
import { DEFAULT_WORK_BUDGET, WorkBudget } from '../stream/work-budget.js';
import { LiveView } from './live-view.js';

/** Topic names the demo's batches and records carry (nothing is produced anywhere). */
export const DEMO_TOPICS = { input: 'ticks', output: 'predictions', deadLetter: 'ticks.dlq' } as const;

/** Options of {@link startDemo}. */
export interface DemoOptions {
  readonly loaded: LoadedModel;
  readonly rate: number;
  readonly symbols: number;
  readonly seed: number;
  readonly order: SymbolOrder;
  /** Simulated input partitions (symbol i in partition i mod partitions), worked on concurrently. */
  readonly partitions: number;
  /** Stop after this many events. */
  readonly count?: number;
  /** Stop after this many milliseconds. */
  readonly durationMs?: number;
  readonly metricsHost: string;
  /** 0 picks a free port. */
  readonly metricsPort: number;
  readonly out: Writable;
  readonly tty: boolean;
  readonly refreshMs?: number;
  /** Stops the demo (SIGINT/SIGTERM in the command). */
  readonly signal?: AbortSignal;
  /** Live scoring (config/default.yaml's `quality`); absent: not scored. */
  readonly quality?: QualityConfig;
}

/** Totals of a finished demo. */
export interface DemoSummary {
  readonly events: number;
  readonly predictions: number;
  readonly rejected: number;
  readonly elapsedMs: number;
}

/** A running demo: where its metrics are, its end, and the server to close afterwards. */
export interface RunningDemo {
  readonly metricsUrl: string;
  readonly done: Promise<DemoSummary>;
  /** Closes the metrics server (after `done`, so that the final counts can still be scraped). */
  close(): Promise<void>;
}

/** Starts the metrics server and the demo; resolves once it runs. */
export async function startDemo(opts: DemoOptions): Promise<RunningDemo> {
  const { loaded } = opts;
  const registry = new Registry();
  const metrics = createPipelineMetrics(registry);
  metrics.setModelInfo({ model: loaded.manifest.name, version: loaded.version, cell: loaded.manifest.cell });
  const server = await startMetricsServer({ registry, host: opts.metricsHost, port: opts.metricsPort });
  const runtime = new ModelRuntime(loaded);
  // Drift detections show in the view's quality line; the drift command runs as in `run`.
  const quality = opts.quality ? new LiveQuality({ config: opts.quality, metrics, logger: pino({ level: 'silent' }) }) : undefined;
  // Scoring is set up (and its on/off reason logged) before the first batch.
  quality?.scorerFor(loaded);
  const market = new SyntheticMarket({ symbols: opts.symbols, seed: opts.seed, rate: opts.rate, order: opts.order });
  const spec = loaded.model.spec;
  const view = new LiveView({
    symbols: market.symbols, out: opts.out, tty: opts.tty, intervalMs: opts.refreshMs,
    title:
      `rnn-stream demo: model ${loaded.manifest.name}@${loaded.version} (${spec.cell}, hidden ${spec.hiddenSize}), ` +
      `${opts.symbols} symbols at ${opts.rate} ev/s\nmetrics ${server.url}/metrics | Ctrl-C to stop`,
    quality: () => quality?.scores() ?? [],
  });
  const sink: RecordSink = {
    async send(topic, records) {
      if (topic !== DEMO_TOPICS.output) return;
      for (const r of records) {
        const p = JSON.parse(String(r.value)) as { key: string; step: number; output: number[]; decoded?: Record<string, number> | number[] };
        view.onPrediction(p.key, firstValue(p.decoded) ?? p.output[0], p.step);
      }
    },
  };
  const input = new Subject<StreamBatch>();
  const pipeline = input.pipe(
    streamPipeline({
      models: new LiveModels(runtime), quality, store: new MemoryStateStore(), sink, table: new PartitionTable(), metrics,
      outputTopic: DEMO_TOPICS.output, outputHeaders: 'none', deadLetterTopic: DEMO_TOPICS.deadLetter,
      decode: decodeOptionsForModel(runtime.loaded.manifest, DEFAULT_DECODE_LIMITS), timestampPolicy: 'apply',
      maxBatchesInFlight: opts.partitions, now: () => Date.now(), budget: new WorkBudget(DEFAULT_WORK_BUDGET),
    }),
  );
  let failStream!: (error: unknown) => void;
  const streamFailed = new Promise<never>((_, reject) => (failStream = reject));
  // Observed through Promise.race below; this handler only keeps an error raised while no batch
  // is waiting from being reported as unhandled (it is rethrown by the next race or at the end).
  streamFailed.catch(() => undefined);
  let streamError: unknown;
  const streamDone = new Promise<void>((resolve) => {
    pipeline.subscribe({ error: (e: unknown) => ((streamError = e), failStream(e), resolve()), complete: resolve });
  });

  const stop = new AbortController();
  const onAbort = (): void => stop.abort();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  if (opts.signal?.aborted) stop.abort();
  const timer = opts.durationMs === undefined ? undefined : setTimeout(onAbort, opts.durationMs);
  const batches = new TickBatches(DEMO_TOPICS.input, opts.partitions, market.symbols);
  const started = performance.now();

  const run = async (): Promise<DemoSummary> => {
    view.start();
    try {
      await paceTicks({
        market, rate: opts.rate, count: opts.count, signal: stop.signal,
        onBatch: async (ticks, n) => {
          for (let i = 0; i < n; i++) view.onTick(ticks[i].symbolIndex, ticks[i].price);
          const pending = batches.toBatches(ticks, n);
          for (const p of pending) input.next(p.batch);
          const outcomes = await Promise.race([Promise.all(pending.map((p) => p.outcome)), streamFailed]);
          let rejected = 0;
          for (const o of outcomes) {
            if (o.status !== 'committed') throw new RnnStreamError(`demo: a batch of partition ${o.partition} ended ${o.status}`, { cause: o.error });
            rejected += o.rejected;
          }
          view.addEvents(n, rejected);
        },
      });
    } finally {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      input.complete();
      await streamDone;
      view.stop();
    }
    if (streamError !== undefined) throw new RnnStreamError('demo: the pipeline stopped', { cause: streamError });
    return { ...view.totals(), elapsedMs: performance.now() - started };
  };
  return { metricsUrl: `${server.url}/metrics`, done: run(), close: () => server.close() };
}

function firstValue(decoded: Record<string, number> | number[] | undefined): number | undefined {
  if (decoded === undefined) return undefined;
  return Array.isArray(decoded) ? decoded[0] : Object.values(decoded)[0];
}
