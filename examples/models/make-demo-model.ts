/**
 * Writes the untrained demo model examples/models/demo-gru.{json,safetensors}, reproducibly:
 * a one-layer GRU (hidden 32) over the market features [log_return, log_volume, time_gap] with
 * a one-output head read as the next tick's log return. Weights come from initParams with a
 * fixed seed; the input normalisation and the output scale are measured on simulated ticks, so
 * inputs and forecasts have sensible magnitudes. Run: npx tsx examples/models/make-demo-model.ts
 */
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MARKET_INPUTS, marketInput } from '../../src/features/market-features.js';
import { FEATURE_MEMORY_SIZE, MEM_PREV_PRICE, MEM_PREV_TS, MEM_SEEN } from '../../src/features/feature-memory.js';
import { newSimTick, SyntheticMarket } from '../../src/market/index.js';
import { initParams, RnnModel, saveModel, SeededRandom, type ModelSpec } from '../../src/model/index.js';
import type { TickEvent } from '../../src/events/model-event.js';

const WEIGHT_SEED = 20_251_126;
const MARKET = { seed: 42, symbols: 8, rate: 200, startTs: Date.UTC(2025, 0, 1) } as const;
const SAMPLE_TICKS = 50_000;

/** Mean and population std of each of the three inputs, and the std of the next log return. */
function measure(): { mean: number[]; std: number[]; returnStd: number } {
  const market = new SyntheticMarket(MARKET);
  const memories = market.symbols.map(() => new Float64Array(FEATURE_MEMORY_SIZE));
  const sum = [0, 0, 0];
  const sq = [0, 0, 0];
  let retSq = 0;
  let returns = 0;
  const tick = newSimTick();
  for (let i = 0; i < SAMPLE_TICKS; i++) {
    market.next(tick);
    const event: TickEvent = { kind: 'tick', key: tick.symbol, ts: tick.ts, price: tick.price, volume: tick.volume, end: false };
    const memory = memories[tick.symbolIndex];
    MARKET_INPUTS.forEach((input, k) => {
      const v = marketInput(input, event, memory);
      sum[k] += v;
      sq[k] += v * v;
    });
    if (memory[MEM_SEEN] !== 0) {
      retSq += Math.log(tick.price / memory[MEM_PREV_PRICE]) ** 2;
      returns++;
    }
    memory[MEM_PREV_PRICE] = tick.price;
    memory[MEM_PREV_TS] = tick.ts;
    memory[MEM_SEEN] = 1;
  }
  const mean = sum.map((s) => s / SAMPLE_TICKS);
  const std = sq.map((s, k) => Math.sqrt(Math.max(s / SAMPLE_TICKS - mean[k] ** 2, 0)) || 1);
  return { mean, std, returnStd: Math.sqrt(retSq / returns) };
}

const spec: ModelSpec = { cell: 'gru', inputSize: 3, hiddenSize: 32, numLayers: 1, outputSize: 1 };
const model = new RnnModel(spec, initParams(spec, new SeededRandom(WEIGHT_SEED)));
const { mean, std, returnStd } = measure();
const saved = await saveModel(
  dirname(fileURLToPath(import.meta.url)),
  {
    name: 'demo-gru',
    features: { kind: 'market', inputs: [...MARKET_INPUTS] },
    normalisation: { mean, std },
    output: { names: ['next_logret'], mean: [0], std: [returnStd], decode: 'identity', target: 'next_logret' },
    provenance: {
      script: 'examples/models/make-demo-model.ts',
      trained: false,
      weights: `initParams (PyTorch default distributions), SeededRandom(${WEIGHT_SEED})`,
      normalisation: `measured on ${SAMPLE_TICKS} simulated ticks, market ${JSON.stringify(MARKET)}`,
    },
  },
  model,
);
process.stdout.write(`wrote ${saved.manifestPath} and ${saved.weightsPath}\n`);
