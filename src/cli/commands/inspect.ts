import type { Command } from 'commander';
import { loadConfig } from '../../config/load-config.js';
import { RnnStreamError } from '../../errors/index.js';
import { MEM_PREV_PRICE, MEM_PREV_TS, MEM_SEEN } from '../../features/feature-memory.js';
import { createKafkajsClient } from '../../kafka/kafkajs-client.js';
import { topicPartitionCount } from '../../kafka/ensure-topics.js';
import { partitionForKey } from '../../kafka/partition-for-key.js';
import { hasCellState } from '../../model/cell-kind.js';
import { loadModel } from '../../model/load-model.js';
import type { KeyState } from '../../state/key-state.js';
import { numberOption } from '../number-option.js';
import { escapeControl, escapeJsonControl } from '../escape-control.js';
import { writeLine } from '../write-lines.js';
import { openStateStore } from '../../service/open-state-store.js';

interface InspectOptions {
  config?: string;
  json?: boolean;
  partition?: number;
  topic?: string;
}

/** Registers `rnn-stream inspect <key>`: print one key's state from Redis. */
export function registerInspect(program: Command): void {
  program
    .command('inspect')
    .description("Print one key's state from Redis: step, model version, last offset, h/c vectors, feature memory.")
    .argument('<key>', 'entity key (the message key, e.g. the symbol)')
    .option('-c, --config <file>', 'configuration file merged over config/default.yaml (Kafka, Redis, model)')
    .option('--partition <n>', 'input partition holding the key (default: found from Kafka metadata with the default partitioner)', numberOption.atLeast('--partition', 0))
    .option('-t, --topic <name>', 'input topic (default: kafka.inputTopic)')
    .option('--json', 'print JSON instead of text')
    .action(async (key: string, opts: InspectOptions) => {
      const config = await loadConfig({ file: opts.config });
      const topic = opts.topic ?? config.kafka.inputTopic;
      const { partition, partitionCount } = opts.partition !== undefined ? { partition: opts.partition, partitionCount: undefined } : await locate(config, topic, key);
      const store = openStateStore(config.redis);
      let state: KeyState | null;
      try {
        state = await store.readKey({ topic, partition }, key);
      } finally {
        await store.close();
      }
      if (state === null) throw new RnnStreamError(`no state for key "${escapeControl(key)}" in ${escapeControl(topic)}[${partition}] under prefix ${escapeControl(config.redis.keyPrefix)}`);
      const layout = config.model.manifest === null ? null : await loadModel(config.model.manifest).then((m) => m.manifest);
      const report = describeState(key, topic, partition, partitionCount, state, layout);
      await writeLine(process.stdout, opts.json ? escapeJsonControl(JSON.stringify(report)) : formatReport(report));
    });
}

async function locate(config: Awaited<ReturnType<typeof loadConfig>>, topic: string, key: string): Promise<{ partition: number; partitionCount: number }> {
  const admin = createKafkajsClient(config.kafka).admin();
  try {
    await admin.connect();
    const partitionCount = await topicPartitionCount(admin, topic);
    return { partition: partitionForKey(key, partitionCount), partitionCount };
  } catch (cause) {
    if (cause instanceof RnnStreamError) throw cause;
    throw new RnnStreamError(`cannot read the partition count of ${topic} from Kafka (give --partition to skip)`, { cause });
  } finally {
    await admin.disconnect();
  }
}

/** A key's state as `inspect` reports it. */
export interface StateReport {
  key: string;
  topic: string;
  partition: number;
  partitionCount?: number;
  modelVersion: string;
  step: number;
  lastOffset: number;
  memory: { seen: boolean; prevPrice: number; prevTs: number };
  /** Per layer when the configured model's layout fits the state; else one flat vector under `hidden`. */
  h?: number[][];
  c?: number[][];
  hidden?: number[];
}

/** Builds the report; splits h/c per layer when `layout` (the configured manifest) matches the state's size. */
export function describeState(
  key: string,
  topic: string,
  partition: number,
  partitionCount: number | undefined,
  state: KeyState,
  layout: { cell: Parameters<typeof hasCellState>[0]; hiddenSize: number; numLayers: number } | null,
): StateReport {
  const report: StateReport = {
    key,
    topic,
    partition,
    ...(partitionCount === undefined ? {} : { partitionCount }),
    modelVersion: state.modelVersion,
    step: state.step,
    lastOffset: state.lastOffset,
    memory: { seen: state.memory[MEM_SEEN] !== 0, prevPrice: state.memory[MEM_PREV_PRICE], prevTs: state.memory[MEM_PREV_TS] },
  };
  const values = Array.from(state.hidden);
  const H = layout?.hiddenSize ?? 0;
  const L = layout?.numLayers ?? 0;
  const withC = layout !== null && hasCellState(layout.cell);
  if (layout === null || values.length !== L * H * (withC ? 2 : 1)) return { ...report, hidden: values };
  const layers = (from: number): number[][] => Array.from({ length: L }, (_, l) => values.slice(from + l * H, from + (l + 1) * H));
  return { ...report, h: layers(0), ...(withC ? { c: layers(L * H) } : {}) };
}

/** Readable text of a report; the key, topic and model version with control characters escaped. */
export function formatReport(r: StateReport): string {
  const vec = (v: number[]): string => `[${v.map((x) => x.toPrecision(6)).join(', ')}]`;
  const lines = [
    `key           ${escapeControl(r.key)}`,
    `partition     ${escapeControl(r.topic)}[${r.partition}]${r.partitionCount === undefined ? '' : ` of ${r.partitionCount}`}`,
    `model version ${escapeControl(r.modelVersion)}`,
    `step          ${r.step}`,
    `last offset   ${r.lastOffset}`,
    `memory        ${r.memory.seen ? `previous price ${r.memory.prevPrice}, previous ts ${r.memory.prevTs} (${new Date(r.memory.prevTs).toISOString()})` : 'no event seen'}`,
  ];
  r.h?.forEach((h, l) => lines.push(`h[layer ${l}]    ${vec(h)}`));
  r.c?.forEach((c, l) => lines.push(`c[layer ${l}]    ${vec(c)}`));
  if (r.hidden) lines.push(`state (${r.hidden.length} values; set model.manifest to split h/c by layer) ${vec(r.hidden)}`);
  return lines.join('\n');
}
