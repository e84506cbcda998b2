import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { loadModel } from '../../model/load-model.js';
import { addMarketOptions, type MarketCliOptions } from '../market-cli-options.js';
import { numberOption } from '../number-option.js';
import { startDemo } from '../../service/start-demo.js';
import { loadConfig } from '../../config/load-config.js';
import { stopOnSignals } from '../../service/stop-on-signals.js';

/** The model the demo runs unless --model says otherwise (shipped in examples/models). */
export const DEMO_MODEL = fileURLToPath(new URL('../../../examples/models/demo-gru.json', import.meta.url));

/** Default port of the demo's /metrics (the service's default too, so one Prometheus job fits both). */
export const DEMO_METRICS_PORT = 9464;

interface DemoCommandOptions extends MarketCliOptions {
  duration?: number;
  count?: number;
  partitions: number;
  model: string;
  metricsPort: number;
  metricsHost: string;
  plain?: boolean;
}

/** Registers `rnn-stream demo`, the embedded default that `npm start` runs. */
export function registerDemo(program: Command): void {
  addMarketOptions(program.command('demo'))
    .description('Run the pipeline on a simulated market with in-memory state: no Kafka, Redis or Docker. Prints a live view and serves /metrics.')
    .option('-d, --duration <seconds>', 'stop after this many seconds (default: run until Ctrl-C / SIGTERM)', numberOption.positive('--duration'))
    .option('-n, --count <n>', 'stop after this many events', numberOption.atLeast('--count'))
    .option('--partitions <n>', 'simulated input partitions, processed concurrently', numberOption.atLeast('--partitions'), 4)
    .option('-m, --model <manifest.json>', 'model to run (market features)', DEMO_MODEL)
    .option('--metrics-port <port>', 'port of /metrics, /healthz, /readyz (0: any free port)', numberOption.atLeast('--metrics-port', 0), DEMO_METRICS_PORT)
    .option('--metrics-host <host>', 'interface the metrics server listens on', '127.0.0.1')
    .option('--plain', 'print plain lines instead of redrawing, even on a terminal')
    .addHelpText(
      'after',
      `
The same operators as \`rnn-stream run\` (decode, features, one RNN step per event, state write,
predictions) fed with simulated ticks instead of Kafka, with the in-memory state store. The view
shows, per symbol, the last price, the model's forecast of the next log return (in basis points)
and the price it implies, and the symbol's step count. See docs/simulator.md.`,
    )
    .action(async (opts: DemoCommandOptions) => {
      const loaded = await loadModel(opts.model);
      const { quality } = await loadConfig();
      const stop = stopOnSignals();
      try {
        const demo = await startDemo({
          loaded, rate: opts.rate, symbols: opts.symbols, seed: opts.seed, order: opts.order, partitions: opts.partitions,
          count: opts.count, durationMs: opts.duration === undefined ? undefined : opts.duration * 1000,
          metricsHost: opts.metricsHost, metricsPort: opts.metricsPort, quality,
          out: process.stdout, tty: process.stdout.isTTY === true && opts.plain !== true, signal: stop.signal,
        });
        try {
          const s = await demo.done;
          const seconds = s.elapsedMs / 1000;
          process.stderr.write(
            `demo: ${s.events} events, ${s.predictions} predictions, ${s.rejected} rejected in ${seconds.toFixed(1)} s` +
              ` (${(s.events / Math.max(seconds, 1e-9)).toFixed(0)} ev/s)${stop.received() ? `, stopped by ${stop.received()}` : ''}\n`,
          );
        } finally {
          await demo.close();
        }
      } finally {
        stop.dispose();
      }
    });
}
