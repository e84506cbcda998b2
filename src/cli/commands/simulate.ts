import { createWriteStream } from 'node:fs';
import type { Command } from 'commander';
import { loadConfig } from '../../config/index.js';
import { ConfigError, RnnStreamError } from '../../errors/index.js';
import { simulateToKafka } from '../../service/simulate-to-kafka.js';
import { newSimTick, SyntheticMarket, tickToJson, type PaceTicksResult } from '../../simulator/index.js';
import { finish, writeLine } from '../write-lines.js';
import { addMarketOptions, type MarketCliOptions } from '../market-cli-options.js';
import { numberOption } from '../number-option.js';
import { stopOnSignals } from '../../service/stop-on-signals.js';

/** Options of `rnn-stream simulate`, as parsed. */
export interface SimulateOptions extends MarketCliOptions {
  start?: number;
  count?: number;
  topic?: string;
  partitions?: number;
  batch: number;
  config?: string;
  out?: string;
}

/** Registers `rnn-stream simulate`: the synthetic market to a Kafka topic (or a JSONL file). */
export function registerSimulate(program: Command): void {
  addMarketOptions(program.command('simulate'))
    .description('Produce a synthetic market (GBM with volatility regimes) to Kafka at a given rate; key = symbol, value = JSON tick.')
    .option('-n, --count <n>', 'stop after this many events (default: run until SIGINT/SIGTERM)', numberOption.atLeast('--count'))
    .option('--start <ts>', 'timestamp of the first tick, epoch ms or ISO-8601 (default: now)', numberOption.timestamp('--start'))
    .option('-t, --topic <name>', 'topic to produce to (default: kafka.inputTopic of the configuration)')
    .option('-p, --partitions <n>', 'partitions when the topic is created (default: kafka.topics.partitions)', numberOption.atLeast('--partitions'))
    .option('--batch <n>', 'largest number of events per produce request', numberOption.atLeast('--batch'), 1000)
    .option('-c, --config <file>', 'configuration file merged over config/default.yaml (brokers, TLS, SASL, ...)')
    .option('-o, --out <ticks.jsonl>', 'write the ticks to this file instead of Kafka, as fast as possible (needs --count)')
    .addHelpText(
      'after',
      `
Each message: key = symbol, value = {"symbol","ts","price","volume"} (ts in epoch ms; timestamps
advance by 1000/rate ms per event). A missing topic is created (unless kafka.topics.create is
false); an existing one is kept as it is. The market model and its
parameters are described in docs/simulator.md.`,
    )
    .action(async (opts: SimulateOptions) => {
      const result = opts.out ? await simulateToFile(opts, opts.out) : await simulateKafka(opts);
      const seconds = result.elapsedMs / 1000;
      process.stderr.write(
        `simulate: ${result.produced} events to ${opts.out ?? 'Kafka'} in ${seconds.toFixed(2)} s` +
          ` (${seconds > 0 ? (result.produced / seconds).toFixed(0) : '-'} ev/s)\n`,
      );
    });
}

function marketOf(opts: SimulateOptions): SyntheticMarket {
  return new SyntheticMarket({ symbols: opts.symbols, seed: opts.seed, rate: opts.rate, order: opts.order, startTs: opts.start ?? Date.now() });
}

/** Writes `count` ticks as JSONL, unpaced (timestamps still follow the rate). */
async function simulateToFile(opts: SimulateOptions, path: string): Promise<PaceTicksResult> {
  if (opts.count === undefined) throw new ConfigError('--out needs --count (a file cannot be written forever)', { key: '--count' });
  const out = createWriteStream(path, { encoding: 'utf-8' });
  const failed = new Promise<never>((_, reject) => out.once('error', (cause) => reject(new RnnStreamError(`cannot write ${path}`, { cause }))));
  const market = marketOf(opts);
  const started = performance.now();
  const write = async (): Promise<void> => {
    const tick = newSimTick();
    for (let i = 0; i < (opts.count ?? 0); i++) await writeLine(out, tickToJson(market.next(tick)));
    await finish(out);
  };
  await Promise.race([write(), failed]);
  return { produced: market.produced, batches: 0, elapsedMs: performance.now() - started };
}

/** `simulate` without --out: the configuration's Kafka, stopped by --count or SIGINT/SIGTERM. */
async function simulateKafka(opts: SimulateOptions): Promise<PaceTicksResult> {
  const config = await loadConfig({ file: opts.config });
  const stop = stopOnSignals();
  try {
    return await simulateToKafka({
      kafka: config.kafka,
      topic: opts.topic ?? config.kafka.inputTopic,
      partitions: opts.partitions ?? config.kafka.topics.partitions,
      market: marketOf(opts),
      rate: opts.rate,
      count: opts.count,
      maxBatch: opts.batch,
      signal: stop.signal,
      report: (line) => process.stderr.write(line),
    });
  } finally {
    stop.dispose();
  }
}
