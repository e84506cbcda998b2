/**
 * Runs an example-3 network (either variant) day by day: today's weather in, today's food out,
 * h_t carried to the next day.
 */
import type { RnnModel } from '../../src/model/index.js';
import { FOODS, WEATHERS, argmax, oneHot, type Food, type Weather } from './vocabulary.js';

/** One day of a trace: the weather, the food the network chose, its raw output, and h_t. */
export interface ChefDay {
  readonly weather: Weather;
  readonly food: Food;
  readonly output: Float32Array;
  readonly hidden: Float32Array;
}

/** Runs `model` over `weathers` starting from `state` (h_0, updated in place) and records each day. */
export function cookWithWeather(model: RnnModel, state: Float32Array, weathers: readonly Weather[]): ChefDay[] {
  const stepper = model.newStepper();
  return weathers.map((weather) => {
    const output = new Float32Array(FOODS.length);
    stepper.step(state, oneHot(WEATHERS.indexOf(weather), WEATHERS.length), output);
    return { weather, food: FOODS[argmax(output)], output, hidden: state.slice() };
  });
}
