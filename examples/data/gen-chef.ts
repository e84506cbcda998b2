/**
 * The chef's example 3 (SEED.md) as vector events, from random weather: if sunny the chef
 * cooks the same food as yesterday, if rainy the next food in the cycle pizza -> chicken ->
 * sandwich -> pizza. Each kitchen (key) cooks a stream of episodes of 1..12 days; every
 * episode starts from a random food "cooked the day before day 1".
 *
 *     features  [sunny, rainy, start_pizza, start_chicken, start_sandwich]
 *               (the start one-hot is set on an episode's first day only, zeros after)
 *     target    today's food as a class index (0 pizza, 1 chicken, 2 sandwich)
 *     end       true on an episode's last day
 *
 * So today's food is a function of the weather seen since the episode began and its start
 * food, which the model must carry in its state. Weather is sunny or rainy with probability
 * 1/2 each; days are 24 h apart.
 *
 *     npx tsx examples/data/gen-chef.ts --out chef.jsonl [--episodes 400] [--keys 4] [--seed 3]
 */
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { SeededRandom } from '../../src/model/random.js';
import { FOODS } from '../chef/vocabulary.js';

/** Parameters of {@link chefEvents}. */
export interface ChefOptions {
  readonly seed: number;
  /** Episodes per kitchen. */
  readonly episodes: number;
  readonly keys: number;
  /** Longest episode, in days (lengths are uniform in 1..maxDays). */
  readonly maxDays: number;
  readonly startTs: number;
}

/** The parameters the docs' figures use. */
export const CHEF_DEFAULTS: ChefOptions = { seed: 3, episodes: 400, keys: 4, maxDays: 12, startTs: Date.UTC(2020, 0, 1) };

const DAY_MS = 86_400_000;

/** JSONL lines of vector events, one kitchen after the other (`kitchen-0`, ...). */
export function chefEvents(opts: Partial<ChefOptions> = {}): string[] {
  const o = { ...CHEF_DEFAULTS, ...opts };
  const rng = new SeededRandom(o.seed);
  const lines: string[] = [];
  for (let k = 0; k < o.keys; k++) {
    let day = 0;
    for (let e = 0; e < o.episodes; e++) {
      const days = 1 + rng.int(o.maxDays);
      const start = rng.int(FOODS.length);
      let food = start;
      for (let d = 0; d < days; d++) {
        const rainy = rng.int(2);
        if (rainy) food = (food + 1) % FOODS.length;
        const startHot = [0, 1, 2].map((i) => (d === 0 && i === start ? 1 : 0));
        const event = { key: `kitchen-${k}`, ts: o.startTs + day++ * DAY_MS, features: [1 - rainy, rainy, ...startHot], target: food, end: d === days - 1 };
        lines.push(JSON.stringify(event));
      }
    }
  }
  return lines;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({ options: { out: { type: 'string' }, episodes: { type: 'string' }, keys: { type: 'string' }, seed: { type: 'string' } } });
  if (!values.out) throw new Error('--out <file> is required');
  const opts = {
    ...(values.episodes ? { episodes: Number(values.episodes) } : {}),
    ...(values.keys ? { keys: Number(values.keys) } : {}),
    ...(values.seed ? { seed: Number(values.seed) } : {}),
  };
  writeFileSync(values.out, chefEvents(opts).join('\n') + '\n');
}
