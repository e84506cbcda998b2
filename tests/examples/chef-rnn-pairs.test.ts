import { describe, expect, it } from 'vitest';
import { PAIRS_HIDDEN, chefPairsModel, chefPairsStartState } from '../../examples/chef/chef-rnn-pairs.js';
import { cookWithWeather } from '../../examples/chef/cook-with-weather.js';
import { FOODS, WEATHERS, type Weather } from '../../examples/chef/vocabulary.js';
import { ALL_SEQUENCES, ALL_STEPS, SUCCESSOR, isOneHotAt, runExhaustively } from './chef-rule.js';

describe('example 3 with six hidden units, one per (weather, food) pair (rnn_relu)', () => {
  it('matches the chef\'s rule at every step of every weather sequence of length 1..12 from every starting food, h_t the one-hot of (weather, food)', () => {
    const { sequences, steps, failures } = runExhaustively(chefPairsModel(), chefPairsStartState, (day, want) => {
      const unit = WEATHERS.indexOf(want.weather) * FOODS.length + FOODS.indexOf(want.today);
      return day.food === want.today && isOneHotAt(day.output, FOODS.indexOf(want.today)) && isOneHotAt(day.hidden, unit);
    });
    expect(failures).toEqual([]);
    expect(sequences).toBe(ALL_SEQUENCES);
    expect(steps).toBe(ALL_STEPS);
  });

  it('gives the same foods whether yesterday\'s food starts in the sunny or the rainy half of h_0', () => {
    const model = chefPairsModel();
    const weathers: Weather[] = ['rainy', 'sunny', 'rainy', 'rainy', 'sunny', 'rainy'];
    for (const start of FOODS) {
      const rainyHalf = new Float32Array(PAIRS_HIDDEN);
      rainyHalf[FOODS.length + FOODS.indexOf(start)] = 1;
      const fromSunny = cookWithWeather(model, chefPairsStartState(start), weathers).map((d) => d.food);
      const fromRainy = cookWithWeather(model, rainyHalf, weathers).map((d) => d.food);
      expect(fromRainy).toEqual(fromSunny);
      expect(fromSunny[0]).toBe(SUCCESSOR[start]);
    }
  });

  it('cooks nothing from a zero h_0 (PyTorch\'s default), since no unit reaches its threshold without a yesterday', () => {
    const days = cookWithWeather(chefPairsModel(), new Float32Array(PAIRS_HIDDEN), ['sunny', 'rainy', 'sunny']);
    for (const day of days) {
      expect(Array.from(day.output)).toEqual([0, 0, 0]);
      expect(day.hidden.every((x) => x === 0)).toBe(true);
    }
  });

  it('runs as the project\'s rnn_relu cell with six hidden units', () => {
    expect(chefPairsModel().spec).toEqual({ cell: 'rnn_relu', inputSize: 2, hiddenSize: 6, numLayers: 1, outputSize: 3 });
  });
});
