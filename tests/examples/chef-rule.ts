/**
 * The chef's rules written out independently of the example code (plain tables, no model), and
 * the exhaustive run of an example-3 network that the tests share.
 */
import type { RnnModel } from '../../src/model/index.js';
import { cookWithWeather, type ChefDay } from '../../examples/chef/cook-with-weather.js';
import { FOODS, type Food, type Weather } from '../../examples/chef/vocabulary.js';

/** The food after each food in the cycle. */
export const SUCCESSOR: Record<Food, Food> = { pizza: 'chicken', chicken: 'sandwich', sandwich: 'pizza' };

/** Example 3: the same food when sunny, the next one when rainy. */
export const chefRule = (yesterday: Food, weather: Weather): Food => (weather === 'sunny' ? yesterday : SUCCESSOR[yesterday]);

/** True when `v` is exactly 1 at `index` and exactly 0 elsewhere. */
export function isOneHotAt(v: Float32Array, index: number): boolean {
  return v.every((x, i) => x === (i === index ? 1 : 0));
}

/** What a day looked like in the plain simulation: the foods of yesterday and today, the weather. */
export interface SimulatedDay {
  readonly yesterday: Food;
  readonly today: Food;
  readonly weather: Weather;
}

/** Counts of an exhaustive run, and the first few days where `check` failed. */
export interface ExhaustiveResult {
  readonly sequences: number;
  readonly steps: number;
  readonly failures: string[];
}

/** 3 starts x (2 + 4 + ... + 4096) sequences. */
export const ALL_SEQUENCES = 3 * (2 ** 13 - 2);

/** 3 starts x sum over L of L * 2^L = 3 * ((12 - 1) * 2^13 + 2). */
export const ALL_STEPS = 3 * (11 * 2 ** 13 + 2);

/**
 * Runs `model` on every weather sequence of length 1..12 from every starting food (h_0 from
 * `startState`) and asks `check` about every day against the plain simulation of the rule.
 */
export function runExhaustively(
  model: RnnModel,
  startState: (yesterday: Food) => Float32Array,
  check: (day: ChefDay, expected: SimulatedDay) => boolean,
): ExhaustiveResult {
  let sequences = 0;
  let steps = 0;
  const failures: string[] = [];
  for (let length = 1; length <= 12; length++) {
    for (let mask = 0; mask < 1 << length; mask++) {
      const weathers = Array.from({ length }, (_, i): Weather => ((mask >> i) & 1 ? 'rainy' : 'sunny'));
      for (const start of FOODS) {
        sequences++;
        let yesterday: Food = start;
        cookWithWeather(model, startState(start), weathers).forEach((day, i) => {
          steps++;
          const expected = { yesterday, today: chefRule(yesterday, weathers[i]), weather: weathers[i] };
          if (!check(day, expected) && failures.length < 5) {
            failures.push(`${start} ${weathers.join(',')} day ${i + 1}: ${day.food} [${Array.from(day.hidden).join(' ')}], want ${expected.today}`);
          }
          yesterday = expected.today;
        });
      }
    }
  }
  return { sequences, steps, failures };
}
