import { describe, expect, it } from 'vitest';
import { ModelFormatError } from '../../src/errors/index.js';
import { cookCycle, foodCycleModel } from '../../examples/chef/food-cycle.js';
import { handSetModel } from '../../examples/chef/hand-set-model.js';
import { FOODS, WEATHERS, type Food, type Weather } from '../../examples/chef/vocabulary.js';
import { cookForWeather, weatherToFoodModel } from '../../examples/chef/weather-to-food.js';
import { SUCCESSOR, isOneHotAt } from './chef-rule.js';

// Example 1's rule, written out independently of the example code.
const FOR_WEATHER: Record<Weather, Food> = { sunny: 'chicken', rainy: 'pizza' };

describe('example 1: weather -> food (MLP)', () => {
  it('cooks chicken when sunny and pizza when rainy, as an exact one-hot output', () => {
    const model = weatherToFoodModel();
    for (const weather of WEATHERS) {
      const { food, output } = cookForWeather(model, weather);
      expect(food).toBe(FOR_WEATHER[weather]);
      expect(isOneHotAt(output, FOODS.indexOf(FOR_WEATHER[weather]))).toBe(true);
    }
  });

  it('ignores the previous hidden state, because W_hh is zero', () => {
    const model = weatherToFoodModel();
    const stepper = model.newStepper();
    const out = new Float32Array(3);
    for (const previous of [[1, 0, 0], [0, 0, 1], [5, -3, 2]]) {
      stepper.step(Float32Array.from(previous), Float32Array.from([0, 1]), out);
      expect(isOneHotAt(out, FOODS.indexOf('pizza'))).toBe(true);
    }
  });
});

describe('example 2: yesterday\'s food -> today\'s (recurrence)', () => {
  it('follows pizza -> chicken -> sandwich -> pizza for twelve days from every starting food', () => {
    const model = foodCycleModel();
    for (const start of FOODS) {
      const expected: Food[] = [];
      let food: Food = start;
      for (let day = 0; day < 12; day++) expected.push((food = SUCCESSOR[food]));
      expect(cookCycle(model, start, 12)).toEqual(expected);
    }
  });

  it('feeds its one-hot output back as the next hidden state, returning to the start every three days', () => {
    const stepper = foodCycleModel().newStepper();
    const state = Float32Array.from([0, 1, 0]);
    const out = new Float32Array(3);
    for (let day = 1; day <= 9; day++) {
      stepper.step(state, new Float32Array(1), out);
      expect(Array.from(state)).toEqual(Array.from(out));
      expect(isOneHotAt(out, (1 + day) % 3)).toBe(true);
    }
  });
});

describe('handSetModel', () => {
  it('rejects a ragged matrix with a ModelFormatError naming the tensor', () => {
    const build = () => handSetModel({ weightIh: [[1, 0], [1]], weightHh: [[0, 0], [0, 0]], bias: [0, 0], head: [[1, 0]] });
    expect(build).toThrow(ModelFormatError);
    expect(build).toThrow(/tensor rnn\.weight_ih_l0: row 1 has 1 entries, row 0 has 2/);
  });
});
