/**
 * Test harness for the stream operators: a seeded model, a MemoryStateStore, a recording sink
 * and hand-made batches whose control records what the pipeline did with them.
 */
import { Registry } from 'prom-client';
import { Subject, type Observable } from 'rxjs';
import type { LoadedModel } from '../../src/model/load-model.js';
import { initParams } from '../../src/model/init-params.js';
import { parseManifest } from '../../src/model/load-model.js';
import { SeededRandom } from '../../src/model/random.js';
import { RnnModel } from '../../src/model/rnn-model.js';
import { createPipelineMetrics, type PipelineMetrics } from '../../src/metrics/pipeline-metrics.js';
import { MemoryStateStore } from '../../src/state/memory-state-store.js';
import { ModelRuntime } from '../../src/runtime/model-runtime.js';
import { LiveModels } from '../../src/runtime/live-models.js';
import { PartitionTable } from '../../src/stream/partition-table.js';
import type { SinkRecord } from '../../src/records/sink-record.js';
import type { StreamMessage } from '../../src/records/stream-message.js';
import type { RecordSink } from '../../src/stream/record-sink.js';
import type { BatchOutcome, StreamBatch } from '../../src/stream/stream-batch.js';
import { decodeOptionsForModel } from '../../src/events/decode-options-for-model.js';
import { streamPipeline, type StreamPipelineDeps } from '../../src/stream/stream-pipeline.js';
import { DEFAULT_WORK_BUDGET, WorkBudget } from '../../src/stream/work-budget.js';

export const TOPIC = 'ticks';
export const OUT = 'predictions';
export const DLQ = 'ticks.dlq';

/** A seeded vector model (GRU by default) built in memory. */
export function testModel(opts: { cell?: 'gru' | 'lstm' | 'rnn_tanh'; inputSize?: number; version?: string; seed?: number } = {}): LoadedModel {
  const manifest = parseManifest({
    format: 'rnn-stream.model/v1',
    name: 'test-model',
    cell: opts.cell ?? 'gru',
    inputSize: opts.inputSize ?? 3,
    hiddenSize: 8,
    numLayers: 2,
    outputSize: 2,
    weights: 'unused.safetensors',
  });
  const model = new RnnModel(manifest, initParams(manifest, new SeededRandom(opts.seed ?? 7)));
  return { manifest, model, version: opts.version ?? 'v1', manifestPath: '/dev/null', weightsPath: '/dev/null' };
}

/** A sink that records what it was sent, and can be made to fail or block. */
export class RecordingSink implements RecordSink {
  readonly sent: { topic: string; records: SinkRecord[] }[] = [];
  failNext: Error | null = null;
  gate: Promise<void> | null = null;
  active = 0;
  maxActive = 0;

  async send(topic: string, records: readonly SinkRecord[]): Promise<void> {
    this.active++;
    this.maxActive = Math.max(this.maxActive, this.active);
    try {
      if (this.gate) await this.gate;
      if (this.failNext) {
        const e = this.failNext;
        this.failNext = null;
        throw e;
      }
      this.sent.push({ topic, records: [...records] });
    } finally {
      this.active--;
    }
  }

  records(topic: string): SinkRecord[] {
    return this.sent.filter((s) => s.topic === topic).flatMap((s) => s.records);
  }
}

/** What the pipeline did with one hand-made batch. */
export interface BatchRecord {
  readonly batch: StreamBatch;
  readonly commits: string[];
  readonly seeks: string[];
  /** Offsets read ahead (write-behind), and rewinds asked for by failed background writes. */
  readonly readAheads: string[];
  readonly rewinds: { offset: string; error: Error | null }[];
  /** Heartbeats the pipeline sent while working on the batch. */
  readonly heartbeats: { count: number };
  readonly outcome: Promise<BatchOutcome>;
}

/** A batch of `messages` starting at `firstOffset`, with a recording control. */
export function makeBatch(partition: number, firstOffset: number, values: readonly (string | { key: string | Buffer | null; value: string | Buffer | null })[], opts: { active?: boolean; running?: () => boolean; heartbeat?: () => Promise<void> } = {}): BatchRecord {
  const commits: string[] = [];
  const heartbeats = { count: 0 };
  const seeks: string[] = [];
  const readAheads: string[] = [];
  const rewinds: { offset: string; error: Error | null }[] = [];
  let settle!: (o: BatchOutcome) => void;
  const outcome = new Promise<BatchOutcome>((r) => (settle = r));
  const messages: StreamMessage[] = values.map((v, i) => {
    const m = typeof v === 'string' ? { key: (JSON.parse(v) as { key: string }).key, value: v } : v;
    return {
      key: m.key === null ? null : Buffer.from(m.key),
      value: m.value === null ? null : Buffer.from(m.value),
      headers: { 'trace-id': `t${firstOffset + i}` },
      offset: String(firstOffset + i),
      timestamp: '1764167400000',
    };
  });
  const batch: StreamBatch = {
    topic: TOPIC,
    partition,
    messages,
    highWatermark: String(firstOffset + messages.length + 5),
    control: {
      heartbeat: async () => {
        heartbeats.count++;
        await opts.heartbeat?.();
      },
      isActive: () => opts.active ?? true,
      isRunning: opts.running,
      commit: (o) => void commits.push(o),
      seek: (o) => void seeks.push(o),
      readAhead: (o) => void readAheads.push(o),
      rewind: (offset, error) => void rewinds.push({ offset, error }),
      settle: (o) => settle(o),
    },
  };
  return { batch, commits, seeks, readAheads, rewinds, heartbeats, outcome };
}

/** A vector event line. */
export function vec(key: string, ts: number, features: readonly number[]): string {
  return JSON.stringify({ key, ts, features });
}

/** A running pipeline fed through a Subject. */
export interface Harness {
  readonly loaded: LoadedModel;
  readonly store: MemoryStateStore;
  readonly sink: RecordingSink;
  readonly table: PartitionTable;
  readonly metrics: PipelineMetrics;
  readonly outcomes: BatchOutcome[];
  readonly errors: unknown[];
  feed(b: BatchRecord): Promise<BatchOutcome>;
  input: Subject<StreamBatch>;
  output: Observable<BatchOutcome>;
}

/** Starts a pipeline over a fresh MemoryStateStore (or `store`). */
export function startHarness(over: Partial<StreamPipelineDeps> & { loaded?: LoadedModel } = {}): Harness {
  const loaded = over.loaded ?? testModel();
  const runtime = new ModelRuntime(loaded);
  const store = (over.store as MemoryStateStore | undefined) ?? new MemoryStateStore();
  const sink = (over.sink as RecordingSink | undefined) ?? new RecordingSink();
  const table = over.table ?? new PartitionTable();
  const metrics = over.metrics ?? createPipelineMetrics(new Registry(), { defaultMetrics: false });
  const input = new Subject<StreamBatch>();
  const output = input.pipe(
    streamPipeline({
      models: new LiveModels(runtime),
      store,
      sink,
      table,
      metrics,
      outputTopic: OUT,
      outputHeaders: over.outputHeaders ?? 'none',
      deadLetterTopic: DLQ,
      decode: decodeOptionsForModel(runtime.loaded.manifest, { maxBytes: 1024, maxKeyLength: 32, maxAbsValue: 1e6 }),
      timestampPolicy: 'apply',
      maxBatchesInFlight: 4,
      now: () => Date.now(),
      budget: new WorkBudget(DEFAULT_WORK_BUDGET),
      ...over,
    }),
  );
  const outcomes: BatchOutcome[] = [];
  const errors: unknown[] = [];
  output.subscribe({ next: (o) => outcomes.push(o), error: (e: unknown) => errors.push(e) });
  return {
    loaded, store, sink, table, metrics, outcomes, errors, input, output,
    feed: (b) => {
      input.next(b.batch);
      return b.outcome;
    },
  };
}
