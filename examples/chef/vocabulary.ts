/**
 * The chef's world from the tutorial: three foods and two kinds of weather, each encoded as a
 * one-hot vector. The order of FOODS is also the chef's cooking cycle:
 * pizza -> chicken -> sandwich -> pizza ...
 */

/** The foods, in cycle order; a food's index is the position of the 1 in its one-hot vector. */
export const FOODS = ['pizza', 'chicken', 'sandwich'] as const;

/** The weathers; index 0 is sunny, index 1 rainy (the tutorial's "cloudy/rainy"). */
export const WEATHERS = ['sunny', 'rainy'] as const;

/** One of {@link FOODS}. */
export type Food = (typeof FOODS)[number];

/** One of {@link WEATHERS}. */
export type Weather = (typeof WEATHERS)[number];

/** The food cooked the day after `food` in the chef's fixed cycle. */
export function nextFood(food: Food): Food {
  return FOODS[(FOODS.indexOf(food) + 1) % FOODS.length];
}

/** A new Float32Array of length `size`, all zeros except a 1 at `index`. */
export function oneHot(index: number, size: number): Float32Array {
  const v = new Float32Array(size);
  v[index] = 1;
  return v;
}

/** Index of the largest of `v[0..length)`; the first one wins a tie. */
export function argmax(v: Float32Array): number {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
  return best;
}
