import { describe, expect, it } from 'vitest';
import { ModelFormatError } from '../../src/errors/index.js';
import { CHEF_HIDDEN, chefRnnModel, chefStartState, cookWithWeather } from '../../examples/chef/chef-rnn.js';
import { cookCycle, foodCycleModel } from '../../examples/chef/food-cycle.js';
import { handSetModel } from '../../examples/chef/hand-set-model.js';
import { FOODS, WEATHERS, type Food, type Weather } from '../../examples/chef/vocabulary.js';
import { cookForWeather, weatherToFoodModel } from '../../examples/chef/weather-to-food.js';

// The chef's rules written out independently of the example code (plain tables, no model).
const SUCCESSOR: Record<Food, Food> = { pizza: 'chicken', chicken: 'sandwich', sandwich: 'pizza' };
const FOR_WEATHER: Record<Weather, Food> = { sunny: 'chicken', rainy: 'pizza' };
const chefRule = (yesterday: Food, weather: Weather): Food => (weather === 'sunny' ? yesterday : SUCCESSOR[yesterday]);

/** True when `v` is exactly 1 at `index` and exactly 0 elsewhere. */
function isOneHotAt(v: Float32Array, index: number): boolean {
  return v.every((x, i) => x === (i === index ? 1 : 0));
}

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

describe('example 3: yesterday\'s food and today\'s weather -> today\'s food (RNN)', () => {
  it('matches the chef\'s rule at every step of every weather sequence of length 1..12 from every starting food', () => {
    const model = chefRnnModel();
    let sequences = 0;
    let steps = 0;
    const failures: string[] = [];
    for (let length = 1; length <= 12; length++) {
      for (let mask = 0; mask < 1 << length; mask++) {
        const weathers = Array.from({ length }, (_, i): Weather => ((mask >> i) & 1 ? 'rainy' : 'sunny'));
        for (const start of FOODS) {
          sequences++;
          let expected: Food = start;
          cookWithWeather(model, chefStartState(start), weathers).forEach((day, i) => {
            steps++;
            expected = chefRule(expected, weathers[i]);
            const unit = WEATHERS.indexOf(weathers[i]) * FOODS.length + FOODS.indexOf(expected);
            const exact = isOneHotAt(day.output, FOODS.indexOf(expected)) && isOneHotAt(day.hidden, unit);
            if (day.food !== expected || !exact) failures.push(`${start} ${weathers.join(',')} day ${i + 1}: ${day.food} != ${expected}`);
          });
        }
      }
    }
    expect(failures.slice(0, 5)).toEqual([]);
    expect(sequences).toBe(3 * (2 ** 13 - 2));
    // 3 starts x sum over L of L * 2^L = 3 * ((12 - 1) * 2^13 + 2)
    expect(steps).toBe(3 * (11 * 2 ** 13 + 2));
  });

  it('gives the same foods whether yesterday\'s food starts in the sunny or the rainy half of h_0', () => {
    const model = chefRnnModel();
    const weathers: Weather[] = ['rainy', 'sunny', 'rainy', 'rainy', 'sunny', 'rainy'];
    for (const start of FOODS) {
      const rainyHalf = new Float32Array(CHEF_HIDDEN);
      rainyHalf[FOODS.length + FOODS.indexOf(start)] = 1;
      const fromSunny = cookWithWeather(model, chefStartState(start), weathers).map((d) => d.food);
      const fromRainy = cookWithWeather(model, rainyHalf, weathers).map((d) => d.food);
      expect(fromRainy).toEqual(fromSunny);
      expect(fromSunny[0]).toBe(SUCCESSOR[start]);
    }
  });

  it('cooks nothing from a zero h_0 (PyTorch\'s default), since no unit reaches its threshold without a yesterday', () => {
    const days = cookWithWeather(chefRnnModel(), new Float32Array(CHEF_HIDDEN), ['sunny', 'rainy', 'sunny']);
    for (const day of days) {
      expect(Array.from(day.output)).toEqual([0, 0, 0]);
      expect(day.hidden.every((x) => x === 0)).toBe(true);
    }
  });

  it('runs as the project\'s rnn_relu cell with six hidden units', () => {
    expect(chefRnnModel().spec).toEqual({ cell: 'rnn_relu', inputSize: 2, hiddenSize: 6, numLayers: 1, outputSize: 3 });
  });
});

describe('handSetModel', () => {
  it('rejects a ragged matrix with a ModelFormatError naming the tensor', () => {
    const build = () => handSetModel({ weightIh: [[1, 0], [1]], weightHh: [[0, 0], [0, 0]], bias: [0, 0], head: [[1, 0]] });
    expect(build).toThrow(ModelFormatError);
    expect(build).toThrow(/tensor rnn\.weight_ih_l0: row 1 has 1 entries, row 0 has 2/);
  });
});
