import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { ServiceConfig } from '../../src/config/service-config.js';
import { RnnStreamError } from '../../src/errors/rnn-stream-error.js';
import type { OutputTransactionsClient } from '../../src/kafka/kafka-client.js';
import { createKafkajsClient } from '../../src/kafka/kafkajs-client.js';
import { transactionalIdOf } from '../../src/kafka/kafkajs-output-transactions.js';
import { partitionForKey } from '../../src/kafka/partition-for-key.js';
import type { LoadedModel } from '../../src/model/load-model.js';
import { HEADERS } from '../../src/records/record-headers.js';
import type { OutputRecords } from '../../src/stream/output-transactions.js';
import type { PartitionRef } from '../../src/state/state-store.js';
import {
  backtest, bodySourceOf, createTopics, drained, predictionOf, produceSlowly, saveTestModel, sameState, startInProcess, storedState, tail, ticks, waitFor,
  runChild, worldConfig, worldsOfDescribe, type OutRecord, type TestWorld,
} from './pipeline-fixture.js';
import { skipIntegration } from './services.js';

const SENTINEL = 'exactly-once-test-end';

/** Seeded ticks with one malformed message (a cut JSON of the same key) every 37th position. */
function inputWithBadMessages(count: number, seed: number): { key: string; value: string; valid: boolean }[] {
  return ticks(count, 20, seed).map((m, i) => (i % 37 === 36 ? { key: m.key, value: m.value.slice(0, 20), valid: false } : { ...m, valid: true }));
}

/**
 * Everything in `topic` up to now as a consumer of that isolation level sees it: a sentinel is
 * appended (outside any transaction) to each partition and the topic is read from the beginning
 * until every sentinel arrived, so every record before them was read (read_committed: every
 * transaction before them ended, or the sentinel would never be delivered).
 */
async function readAll(world: TestWorld, topic: string, readUncommitted = false): Promise<OutRecord[]> {
  // Each call appends its own sentinels (an earlier call's are already in the topic).
  const mark = `${SENTINEL}-${Math.random().toString(36).slice(2)}`;
  const producer = world.kafka.producer();
  await producer.connect();
  await producer.send({ topic, acks: -1, messages: [0, 1, 2].map((partition) => ({ partition, key: SENTINEL, value: mark })) });
  await producer.disconnect();
  const reader = await tail(world, topic, { readUncommitted });
  try {
    await waitFor(`the sentinels of ${topic}`, () => reader.records.filter((r) => r.key === SENTINEL && String(r.value) === mark).length >= 3);
  } finally {
    await reader.stop();
  }
  return reader.records.filter((r) => r.key !== SENTINEL);
}

/** partition:offset of each input message, read back from the input topic (all of it). */
async function inputPositions(world: TestWorld, count: number): Promise<{ source: string; value: string }[]> {
  const reader = await tail(world, world.input);
  try {
    await waitFor(`${count} input messages`, () => reader.records.length >= count);
  } finally {
    await reader.stop();
  }
  return reader.records.map((r) => ({ source: `${r.partition}:${r.offset}`, value: String(r.value) }));
}

const deadLetterSource = (r: OutRecord): string => `${String(r.headers[HEADERS.sourcePartition])}:${String(r.headers[HEADERS.sourceOffset])}`;

/** Counts copies by source. */
function bySource(records: readonly OutRecord[], sourceOf: (r: OutRecord) => string): Map<string, OutRecord[]> {
  const map = new Map<string, OutRecord[]>();
  for (const r of records) map.set(sourceOf(r), [...(map.get(sourceOf(r)) ?? []), r]);
  return map;
}

/**
 * Checks the read_committed view: exactly one prediction per valid input offset, each what the
 * offline replay predicts; exactly one dead letter per invalid offset; states equal the replay.
 */
async function expectExactlyOnce(world: TestWorld, config: ServiceConfig, loaded: LoadedModel, input: readonly { key: string; value: string; valid: boolean }[]): Promise<void> {
  const positions = await inputPositions(world, input.length);
  const validSources = new Set<string>();
  const invalidSources = new Set<string>();
  const invalidValues = new Set(input.filter((m) => !m.valid).map((m) => m.value));
  for (const p of positions) (invalidValues.has(p.value) ? invalidSources : validSources).add(p.source);
  expect(validSources.size + invalidSources.size).toBe(input.length);

  const predictions = bySource(await readAll(world, world.output), bodySourceOf);
  const letters = bySource(await readAll(world, world.dlq), deadLetterSource);
  expect([...predictions.keys()].sort()).toEqual([...validSources].sort());
  expect([...letters.keys()].sort()).toEqual([...invalidSources].sort());
  const repeated = [...predictions.values(), ...letters.values()].filter((copies) => copies.length !== 1).length;
  expect(repeated).toBe(0);
  for (const [, [letter]] of letters) expect(String(letter.headers[HEADERS.reason])).toBe('malformed_json');

  const reference = await backtest(loaded, input.filter((m) => m.valid).map((m) => m.value));
  for (const [, [record]] of predictions) {
    const p = predictionOf(record);
    expect(p.output).toEqual(reference.predictions.get(p.key)?.[p.step - 1]?.output);
  }
  for (const [key, state] of reference.states) {
    expect(sameState(await storedState(config, world.input, partitionForKey(key, 3), key), state)).toBe(true);
  }
}

/** What the simulated crash left behind: the partition and the sources of the records in its open transaction. */
interface Crash {
  ref?: PartitionRef;
  readonly sources: Set<string>;
}

/**
 * The output transactions of `config`, except that the `crashAt`-th commit stops half way as a
 * process killed between produce and commit would: its records are produced and its offsets
 * sent in a transaction (under the partition's transactional id) that is never committed nor
 * aborted; then the batch fails with a non-retriable error, which stops the pipeline.
 */
function crashingTransactions(config: ServiceConfig, world: TestWorld, crashAt: number, crashed: Crash) {
  const client = createKafkajsClient(config.kafka);
  let commits = 0;
  return {
    outputTransactions: (options: Parameters<typeof client.outputTransactions>[0]): OutputTransactionsClient => {
      const real = client.outputTransactions(options);
      return {
        ...real,
        async commit(ref: PartitionRef, outputs: readonly OutputRecords[], nextOffset: number): Promise<void> {
          commits++;
          const records = outputs.reduce((n, o) => n + o.records.length, 0);
          if (commits < crashAt || crashed.ref !== undefined || records === 0) return real.commit(ref, outputs, nextOffset);
          const producer = world.kafka.producer({ transactionalId: transactionalIdOf(options.transactionalIdPrefix, ref), idempotent: true, maxInFlightRequests: 1 });
          await producer.connect();
          const transaction = await producer.transaction();
          for (const o of outputs) if (o.records.length > 0) await transaction.send({ topic: o.topic, acks: -1, messages: o.records.map((r) => ({ ...r })) });
          await transaction.sendOffsets({ consumerGroupId: options.groupId, topics: [{ topic: ref.topic, partitions: [{ partition: ref.partition, offset: String(nextOffset) }] }] });
          await producer.disconnect();
          crashed.ref = ref;
          for (const o of outputs) {
            for (const r of o.records) {
              const source = o.topic === config.kafka.outputTopic ? bodySourceOf({ partition: -1, offset: '', key: null, value: r.value, headers: {} }) : deadLetterSource({ partition: -1, offset: '', key: null, value: r.value, headers: r.headers ?? {} });
              crashed.sources.add(source);
            }
          }
          throw new RnnStreamError('simulated crash between produce and commit');
        },
      };
    },
  };
}

describe.skipIf(skipIntegration)('pipeline on real Kafka and Redis: output.guarantee exactly_once', () => {
  const newWorld = worldsOfDescribe();
  const EXACTLY_ONCE = { output: { guarantee: 'exactly_once' }, kafka: { maxBytesPerPartition: 4096, outputHeaders: 'full' } };

  it('a crash between produce and commit: the aborted copy is seen only read_uncommitted; read_committed sees every record once', async () => {
    const world = await newWorld('eos-crash');
    const loaded = await saveTestModel(world.dir, 'tick');
    const { config } = await worldConfig(world, loaded.manifestPath, EXACTLY_ONCE);
    const input = inputWithBadMessages(1500, 41);
    await createTopics(world);
    const producing = produceSlowly(world, input, 100, 50);
    const crashed: Crash = { sources: new Set() };
    const first = await startInProcess(config, loaded, crashingTransactions(config, world, 6, crashed));
    await expect(first.pipeline.done).rejects.toThrow(/simulated crash between produce and commit/);
    await first.stop();
    expect(crashed.ref).toBeDefined();
    expect(crashed.sources.size).toBeGreaterThan(0);

    const second = await startInProcess(config, loaded);
    try {
      await producing;
      await waitFor('the state watermarks to reach the end of the input', () => drained(world, config), 180_000);
    } finally {
      await second.stop();
    }
    await expectExactlyOnce(world, config, loaded, input);

    // The crashed transaction's records reached the log: a read_uncommitted consumer sees them
    // twice (aborted copy, then the copy produced again from the outbox), read_committed once.
    const uncommitted = new Map([...bySource(await readAll(world, world.output, true), bodySourceOf), ...bySource(await readAll(world, world.dlq, true), deadLetterSource)]);
    for (const source of crashed.sources) {
      const copies = uncommitted.get(source) ?? [];
      expect(copies).toHaveLength(2);
      expect(Buffer.compare(copies[0].value ?? Buffer.alloc(0), copies[1].value ?? Buffer.alloc(0))).toBe(0);
    }
  }, 300_000);

  it('SIGKILL of the process mid-run and a restart: read_committed sees every prediction and dead letter once', async () => {
    const world = await newWorld('eos-kill');
    const loaded = await saveTestModel(world.dir, 'tick');
    const { config, file } = await worldConfig(world, loaded.manifestPath, EXACTLY_ONCE);
    const input = inputWithBadMessages(2000, 43);
    await createTopics(world);
    const out = await tail(world, world.output, { readUncommitted: true });
    const log: string[] = [];
    try {
      const producing = produceSlowly(world, input, 100, 100);
      const first = runChild(file, log);
      await waitFor('a quarter of the predictions from the first process', () => out.records.length >= input.length / 4, 180_000);
      first.kill('SIGKILL');
      await once(first, 'exit');
      const second = runChild(file, log);
      await producing;
      await waitFor('the state watermarks to reach the end of the input', () => drained(world, config), 180_000);
      second.kill('SIGTERM');
      const [code] = (await once(second, 'exit')) as [number | null];
      expect(code).toBe(0);
    } catch (error) {
      process.stderr.write(`child output:\n${log.join('')}\n`);
      throw error;
    } finally {
      await out.stop();
    }
    await expectExactlyOnce(world, config, loaded, input);
  }, 300_000);
});
