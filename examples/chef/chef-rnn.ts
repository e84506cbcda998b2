/**
 * Example 3 of the tutorial (the RNN): today's food from yesterday's food AND today's weather.
 * Sunny: the same food as yesterday. Rainy: the next food in the cycle. The post's exercise,
 * W_xh 3x2 and W_hh 3x3, solved on the project's `rnn_tanh` cell:
 *
 *     h_t = tanh(W_xh · x_t + W_hh · h_{t-1} + b)      x_t: today's weather, h_{t-1}: yesterday
 *
 * h_t cannot be a code of today's food alone (docs/chef-examples.md proves it), so it is a ±1
 * code of three yes/no facts about yesterday and today:
 *
 *     unit 0  chicken today or yesterday        pizza          [-1 -1 -1]
 *     unit 1  chicken yesterday, rain today     chicken        [+1 -1 -1]
 *     unit 2  sandwich yesterday and today      sandwich, rain [+1 +1 -1]   sandwich, sun [-1 -1 +1]
 *
 * Two sums of yesterday's code recognise yesterday's food: h1 + h2 is 0 for a sandwich and -2
 * otherwise, h0 - h1 is 2 for chicken and 0 otherwise. The rows of W_hh are built from them, and
 * W_xh · x_t + b is each unit's threshold for today's weather. Every pre-activation is an odd
 * multiple of {@link CHEF_SCALE} = 20, and tanh(±20) is exactly ±1 in float32, so h_t is an
 * exact ±1 code at every step. examples/chef/search-three-unit.py is the exhaustive search that
 * found this code among all 3-bit codes of the six (food, weather) pairs.
 */
import type { RnnModel } from '../../src/model/index.js';
import { handSetModel, type Matrix } from './hand-set-model.js';
import { FOODS, type Food, type Weather } from './vocabulary.js';

/** What each hidden unit means when it is +1 (it is -1 otherwise). */
export const CHEF_UNITS = [
  'chicken today or yesterday',
  'chicken yesterday, rain today',
  'sandwich yesterday and today',
] as const;

/** The factor applied to W_xh, W_hh and b so that |pre-activation| >= 20 and tanh saturates exactly. */
export const CHEF_SCALE = 20;

/**
 * W_hh (3x3) before scaling. Row 0 = (h0 - h1) - (h1 + h2): 4 after chicken, 2 after pizza,
 * 0 after sandwich. Row 1 = h0 - h1: 2 after chicken. Row 2 = h1 + h2: 0 after sandwich, -2 else.
 */
export const CHEF_W_HH: Matrix = [
  [1, -2, -1],
  [1, -1, 0],
  [0, 1, 1],
];

/** W_xh (3x2, columns sunny, rainy) before scaling: +1 for the weather a unit wants, -1 for the other. */
export const CHEF_W_XH: Matrix = [
  [-1, 1],
  [-1, 1],
  [1, -1],
];

/** b before scaling: with W_xh, thresholds sunny/rainy of -3/-1, -3/-1 and +1/-1. */
export const CHEF_BIAS = [-2, -2, 0] as const;

/** Head (3x3, rows pizza, chicken, sandwich): with {@link CHEF_HEAD_BIAS}, the exact one-hot food. */
export const CHEF_HEAD: Matrix = [
  [-0.5, 0, -0.5],
  [0.5, -0.5, 0],
  [0, 0.5, 0.5],
];

/** The head's bias: sandwich = (h1 + h2) / 2 + 1. */
export const CHEF_HEAD_BIAS = [0, 0, 1] as const;

const scaled = (m: Matrix): Matrix => m.map((row) => row.map((v) => v * CHEF_SCALE));

/** The example-3 network: the project's `rnn_tanh` Elman cell, three hidden units, the linear head. */
export function chefRnnModel(): RnnModel {
  return handSetModel({
    cell: 'rnn_tanh',
    weightIh: scaled(CHEF_W_XH),
    weightHh: scaled(CHEF_W_HH),
    bias: CHEF_BIAS.map((v) => v * CHEF_SCALE),
    head: CHEF_HEAD,
    headBias: CHEF_HEAD_BIAS,
  });
}

/** The ±1 code h_t after a day on which the chef cooked `food` in `weather`. */
export function chefCode(food: Food, weather: Weather): Float32Array {
  const f = FOODS.indexOf(food);
  const yesterday = FOODS[weather === 'sunny' ? f : (f + 2) % FOODS.length];
  const facts = [
    food === 'chicken' || yesterday === 'chicken',
    yesterday === 'chicken' && weather === 'rainy',
    yesterday === 'sandwich' && weather === 'sunny',
  ];
  return Float32Array.from(facts, (fact) => (fact ? 1 : -1));
}

/**
 * h_0, the memory before day 1: the code of a sunny day on which the chef cooked `yesterday`.
 * That state is reached in every run after such a day, and what follows depends only on the food.
 */
export function chefStartState(yesterday: Food): Float32Array {
  return chefCode(yesterday, 'sunny');
}
