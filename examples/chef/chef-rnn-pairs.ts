/**
 * Example 3, second variant: six hidden units, one per (weather, food) pair, on the `rnn_relu`
 * cell. The main variant (chef-rnn.ts) does it with three units; this one is the generic
 * recipe, "h_t = one-hot of (today's input, today's state)", which needs no search.
 *
 *     h_t = relu(W_xh · x_t + W_hh · h_{t-1} + b)      x_t: today's weather, h_{t-1}: yesterday
 *
 * Units in the order sunny·pizza, sunny·chicken, sunny·sandwich, rainy·pizza, rainy·chicken,
 * rainy·sandwich. Unit (w, f) gets +1 from W_xh when today's weather is w, +1 from W_hh when
 * yesterday's food leads to f in weather w (f itself when sunny: the identity block I; the food
 * before f when rainy: example 2's cycle P), and b = -1. Its pre-activation is 1 when both hold
 * and 0 or -1 otherwise, so relu lets exactly one unit through, with value exactly 1. The head
 * [I I] adds the two weather halves: output = one-hot of today's food.
 */
import type { RnnModel } from '../../src/model/index.js';
import { FOOD_CYCLE } from './food-cycle.js';
import { handSetModel } from './hand-set-model.js';
import { FOODS, WEATHERS, oneHot, type Food } from './vocabulary.js';

/** Number of hidden units: one per (weather, food) pair; unit index = weather * 3 + food. */
export const PAIRS_HIDDEN = WEATHERS.length * FOODS.length;

/** W_xh (6x2): unit (w, f) listens to weather w only. */
export const PAIRS_W_XH = [
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
export const PAIRS_W_HH = [...I.map((row) => [...row, ...row]), ...FOOD_CYCLE.map((row) => [...row, ...row])];

/** b: the threshold that keeps a unit off unless both its weather and its food agree. */
export const PAIRS_BIAS = [-1, -1, -1, -1, -1, -1] as const;

/** Head (3x6) = [I I]: today's food, whichever weather brought it. */
export const PAIRS_HEAD = I.map((row) => [...row, ...row]);

/** The six-unit example-3 network, on the project's `rnn_relu` Elman cell. */
export function chefPairsModel(): RnnModel {
  return handSetModel({ weightIh: PAIRS_W_XH, weightHh: PAIRS_W_HH, bias: PAIRS_BIAS, head: PAIRS_HEAD });
}

/**
 * h_0 for the six-unit network: yesterday's food, in the sunny half; the rainy half would do as
 * well, since W_hh reads both halves alike.
 */
export function chefPairsStartState(yesterday: Food): Float32Array {
  return oneHot(FOODS.indexOf(yesterday), PAIRS_HIDDEN);
}
