import { Option, type Command } from 'commander';
import type { SymbolOrder } from '../simulator/index.js';
import { numberOption } from './number-option.js';

/** The simulated-market options shared by `simulate` and `demo`, as parsed. */
export interface MarketCliOptions {
  rate: number;
  symbols: number;
  seed: number;
  order: SymbolOrder;
}

/** Adds --rate, --symbols, --seed and --order (same names, checks and defaults for every command). */
export function addMarketOptions(command: Command): Command {
  return command
    .option('-r, --rate <ev/s>', 'events per second across all symbols', numberOption.positive('--rate'), 200)
    .option('-s, --symbols <n>', 'number of symbols (SYM000, SYM001, ...)', numberOption.atLeast('--symbols'), 8)
    .option('--seed <int>', 'seed of the market: same seed and options, same ticks', numberOption.integer('--seed'), 42)
    .addOption(new Option('--order <order>', 'how the symbol of each tick is picked').choices(['random', 'round_robin']).default('random'));
}
