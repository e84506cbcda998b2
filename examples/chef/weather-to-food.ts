/**
 * Example 1 of the tutorial (an MLP, no memory): today's food from today's weather alone.
 * sunny -> chicken, rainy -> pizza. The 3x2 matrix W has one column per weather, and that
 * column is the one-hot of the food for that weather, so W · weather = food:
 *
 *                sunny rainy
 *     pizza    [   0     1  ]        W · [1,0]ᵀ = [0,1,0]ᵀ = chicken
 *     chicken  [   1     0  ]        W · [0,1]ᵀ = [1,0,0]ᵀ = pizza
 *     sandwich [   0     0  ]
 *
 * It runs on the same Elman cell as the other two examples, with W_hh = 0: an RNN whose memory
 * weights are zero is exactly an MLP, h_t = relu(W x_t), whatever h_{t-1} was.
 */
import type { RnnModel } from '../../src/model/index.js';
import { handSetModel } from './hand-set-model.js';
import { FOODS, WEATHERS, argmax, oneHot, type Food, type Weather } from './vocabulary.js';

/** W (foods x weathers): column w is the one-hot of the food cooked in weather w. */
export const WEATHER_TO_FOOD = [
  [0, 1],
  [1, 0],
  [0, 0],
] as const;

const IDENTITY_3 = [
  [1, 0, 0],
  [0, 1, 0],
  [0, 0, 1],
];

/** The example-1 network: W_xh = {@link WEATHER_TO_FOOD}, W_hh = 0, b = 0, identity head. */
export function weatherToFoodModel(): RnnModel {
  return handSetModel({
    weightIh: WEATHER_TO_FOOD,
    weightHh: [
      [0, 0, 0],
      [0, 0, 0],
      [0, 0, 0],
    ],
    bias: [0, 0, 0],
    head: IDENTITY_3,
  });
}

/** The food the example-1 network outputs for `weather`, with its raw output vector. */
export function cookForWeather(model: RnnModel, weather: Weather): { food: Food; output: Float32Array } {
  const output = new Float32Array(FOODS.length);
  model.newStepper().step(model.newState(), oneHot(WEATHERS.indexOf(weather), WEATHERS.length), output);
  return { food: FOODS[argmax(output)], output };
}
