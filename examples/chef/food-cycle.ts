/**
 * Example 2 of the tutorial (recurrence, no input): today's food from yesterday's food alone.
 * The chef cooks in the cycle pizza -> chicken -> sandwich -> pizza. The 3x3 permutation P
 * has a 1 at [next(f), f]: column f (yesterday's food) holds the one-hot of the next food.
 *
 *              pizza chicken sandwich   (yesterday)
 *     pizza    [  0     0       1   ]
 *     chicken  [  1     0       0   ]   P · pizza = chicken, P · chicken = sandwich,
 *     sandwich [  0     1       0   ]   P · sandwich = pizza, and P³ = I.
 *
 * As an Elman cell: W_hh = P, W_xh = 0 (the one input is unused and fed 0), b = 0, so
 * h_t = relu(P h_{t-1}) = P h_{t-1}. The output h_t is fed back as the next step's h_{t-1}:
 * that feedback is the recurrence. The starting h_0 is the one-hot of the food cooked the day
 * before day 1.
 */
import type { RnnModel } from '../../src/model/index.js';
import { handSetModel } from './hand-set-model.js';
import { FOODS, argmax, oneHot, type Food } from './vocabulary.js';

/** P (foods x foods): column f is the one-hot of the food that follows f in the cycle. */
export const FOOD_CYCLE = [
  [0, 0, 1],
  [1, 0, 0],
  [0, 1, 0],
] as const;

/** The example-2 network: W_hh = {@link FOOD_CYCLE}, W_xh = 0 (one dummy input), identity head. */
export function foodCycleModel(): RnnModel {
  return handSetModel({
    weightIh: [[0], [0], [0]],
    weightHh: FOOD_CYCLE,
    bias: [0, 0, 0],
    head: [
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ],
  });
}

/** The foods of `days` days that follow a day on which the chef cooked `yesterday`. */
export function cookCycle(model: RnnModel, yesterday: Food, days: number): Food[] {
  const state = oneHot(FOODS.indexOf(yesterday), FOODS.length);
  const noInput = new Float32Array(1);
  const output = new Float32Array(FOODS.length);
  const stepper = model.newStepper();
  const foods: Food[] = [];
  for (let day = 0; day < days; day++) {
    stepper.step(state, noInput, output);
    foods.push(FOODS[argmax(output)]);
  }
  return foods;
}
