import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerSimulate } from '../../src/cli/commands/simulate.js';
import { newSimTick, SyntheticMarket, tickToJson } from '../../src/simulator/index.js';
import { integrationServices, skipIntegration, uniqueName, type IntegrationServices } from '../integration/services.js';

describe.skipIf(skipIntegration)('rnn-stream simulate against a real Kafka', () => {
  let services: IntegrationServices;
  let dir: string;
  let kafka: Kafka;
  const topics: string[] = [];

  beforeAll(async () => {
    services = await integrationServices();
    dir = await mkdtemp(join(tmpdir(), 'rnn-stream-simulate-kafka-'));
    kafka = new Kafka({ clientId: 'simulate-test', brokers: services.kafkaBrokers, logLevel: logLevel.NOTHING });
  });

  afterAll(async () => {
    if (kafka && topics.length > 0) {
      const admin = kafka.admin();
      await admin.connect();
      await admin.deleteTopics({ topics });
      await admin.disconnect();
    }
    if (dir) await rm(dir, { recursive: true, force: true });
    await services?.stop();
  });

  it('creates the topic and produces every tick keyed by its symbol, each symbol in one partition', async () => {
    const topic = uniqueName('simulate');
    topics.push(topic);
    const config = join(dir, 'config.yaml');
    await writeFile(config, `kafka:\n  brokers: ${JSON.stringify(services.kafkaBrokers)}\n`);
    const program = new Command('rnn-stream').exitOverride();
    registerSimulate(program);
    await program.parseAsync([
      'node', 'rnn-stream', 'simulate', '--config', config, '--topic', topic, '--partitions', '2',
      '--count', '600', '--rate', '3000', '--symbols', '7', '--seed', '5', '--start', '1764167400000', '--batch', '50',
    ]);

    const admin = kafka.admin();
    await admin.connect();
    const meta = await admin.fetchTopicMetadata({ topics: [topic] });
    await admin.disconnect();
    expect(meta.topics[0].partitions).toHaveLength(2);

    const received: { key: string; value: string; partition: number }[] = [];
    const consumer = kafka.consumer({ groupId: uniqueName('simulate-check') });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const done = new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message, partition }) => {
          received.push({ key: String(message.key), value: String(message.value), partition });
          if (received.length === 600) resolve();
        },
      });
    });
    await done;
    await consumer.disconnect();

    const market = new SyntheticMarket({ symbols: 7, seed: 5, rate: 3000, startTs: 1_764_167_400_000 });
    const expected = Array.from({ length: 600 }, () => tickToJson(market.next(newSimTick())));
    // order across partitions is not kept; within a symbol it is (one partition per key)
    const bySymbol = (lines: string[]): Map<string, string[]> => {
      const m = new Map<string, string[]>();
      for (const l of lines) {
        const s = (JSON.parse(l) as { symbol: string }).symbol;
        m.set(s, [...(m.get(s) ?? []), l]);
      }
      return m;
    };
    expect(bySymbol(received.map((r) => r.value))).toEqual(bySymbol(expected));
    for (const r of received) expect(r.key).toBe((JSON.parse(r.value) as { symbol: string }).symbol);
    const partitionsOf = new Map<string, Set<number>>();
    for (const r of received) partitionsOf.set(r.key, (partitionsOf.get(r.key) ?? new Set()).add(r.partition));
    expect([...partitionsOf.values()].every((s) => s.size === 1)).toBe(true);
    expect(new Set(received.map((r) => r.partition)).size).toBe(2);
  });
});
