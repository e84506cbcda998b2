/**
 * Example 3 of the tutorial (the RNN): today's food from yesterday's food AND today's weather.
 * Sunny: the same food as yesterday. Rainy: the next food in the cycle.
 *
 *     h_t = relu(W_xh · x_t + W_hh · h_{t-1} + b)      x_t: today's weather, h_{t-1}: yesterday
 *
 * Six hidden units, one per (weather, food) pair, in the order sunny·pizza, sunny·chicken,
 * sunny·sandwich, rainy·pizza, rainy·chicken, rainy·sandwich. h_t is the one-hot of (today's
 * weather, today's food). Unit (w, f) gets +1 from W_xh when today's weather is w, +1 from W_hh
 * when yesterday's food leads to f in weather w (f itself when sunny: the identity block I;
 * the food before f when rainy: example 2's cycle P), and b = -1. Its pre-activation is 1 when
 * both hold and 0 or -1 otherwise, so relu lets exactly one unit through, with value exactly 1.
 * The head [I I] adds the two weather halves: output = one-hot of today's food.
 *
 * Why not three hidden units (the post's 3x2 / 3x3 exercise): with h = one-hot food and any
 * monotone activation, no W_xh, W_hh, b exist; see docs/chef-examples.md for the proof.
 */
import type { RnnModel } from '../../src/model/index.js';
import { FOOD_CYCLE } from './food-cycle.js';
import { handSetModel } from './hand-set-model.js';
import { FOODS, WEATHERS, argmax, oneHot, type Food, type Weather } from './vocabulary.js';

/** Number of hidden units: one per (weather, food) pair; unit index = weather * 3 + food. */
export const CHEF_HIDDEN = WEATHERS.length * FOODS.length;

/** W_xh (6x2): unit (w, f) listens to weather w only. */
export const CHEF_W_XH = [
  [1, 0],
  [1, 0],
  [1, 0],
  [0, 1],
  [0, 1],
  [0, 1],
] as const;

const I = [
  [1, 0, 0],
  [0, 1, 0],
  [0, 0, 1],
];

/**
 * W_hh (6x6) = [[I, I], [P, P]]: the sunny half copies yesterday's food (I), the rainy half
 * advances it (P = FOOD_CYCLE); both column halves are read because yesterday's food is
 * wherever yesterday's 1 is, whatever yesterday's weather was.
 */
export const CHEF_W_HH = [...I.map((row) => [...row, ...row]), ...FOOD_CYCLE.map((row) => [...row, ...row])];

/** b: the threshold that keeps a unit off unless both its weather and its food agree. */
export const CHEF_BIAS = [-1, -1, -1, -1, -1, -1] as const;

/** Head (3x6) = [I I]: today's food, whichever weather brought it. */
export const CHEF_HEAD = I.map((row) => [...row, ...row]);

/** The example-3 network, on the project's `rnn_relu` Elman cell. */
export function chefRnnModel(): RnnModel {
  return handSetModel({ weightIh: CHEF_W_XH, weightHh: CHEF_W_HH, bias: CHEF_BIAS, head: CHEF_HEAD });
}

/**
 * h_0: the memory before day 1, i.e. yesterday's food. It goes in the sunny half; the rainy half
 * would do as well, since W_hh reads both halves alike.
 */
export function chefStartState(yesterday: Food): Float32Array {
  return oneHot(FOODS.indexOf(yesterday), CHEF_HIDDEN);
}

/** One day of a trace: the weather, the food the network chose, and h_t after that day. */
export interface ChefDay {
  readonly weather: Weather;
  readonly food: Food;
  readonly output: Float32Array;
  readonly hidden: Float32Array;
}

/** Runs the network over `weathers` starting from `state` (h_0, updated in place) and records each day. */
export function cookWithWeather(model: RnnModel, state: Float32Array, weathers: readonly Weather[]): ChefDay[] {
  const stepper = model.newStepper();
  return weathers.map((weather) => {
    const output = new Float32Array(FOODS.length);
    stepper.step(state, oneHot(WEATHERS.indexOf(weather), WEATHERS.length), output);
    return { weather, food: FOODS[argmax(output)], output, hidden: state.slice() };
  });
}
