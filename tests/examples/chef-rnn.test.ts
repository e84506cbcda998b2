import { describe, expect, it } from 'vitest';
import { chefCode, chefRnnModel, chefStartState } from '../../examples/chef/chef-rnn.js';
import { cookWithWeather } from '../../examples/chef/cook-with-weather.js';
import { FOODS, WEATHERS, type Food, type Weather } from '../../examples/chef/vocabulary.js';
import { ALL_SEQUENCES, ALL_STEPS, SUCCESSOR, chefRule, isOneHotAt, runExhaustively } from './chef-rule.js';

// h_t after a day of (today's food, today's weather), written out by hand from the units'
// meanings: h0 = chicken today or yesterday, h1 = chicken yesterday and rain today,
// h2 = sandwich yesterday and today.
const CODE: Record<`${Food}/${Weather}`, number[]> = {
  'pizza/sunny': [-1, -1, -1],
  'pizza/rainy': [-1, -1, -1],
  'chicken/sunny': [1, -1, -1],
  'chicken/rainy': [1, -1, -1],
  'sandwich/sunny': [-1, -1, 1],
  'sandwich/rainy': [1, 1, -1],
};

const sameValues = (v: Float32Array, expected: readonly number[]) => v.length === expected.length && v.every((x, i) => x === expected[i]);

describe('example 3 with three hidden units (rnn_tanh)', () => {
  it('matches the chef\'s rule at every step of every weather sequence of length 1..12 from every starting food, with an exact one-hot output and an exact ±1 h_t', () => {
    const { sequences, steps, failures } = runExhaustively(chefRnnModel(), chefStartState, (day, want) =>
      day.food === want.today &&
      isOneHotAt(day.output, FOODS.indexOf(want.today)) &&
      sameValues(day.hidden, CODE[`${want.today}/${want.weather}`]),
    );
    expect(failures).toEqual([]);
    expect(sequences).toBe(ALL_SEQUENCES);
    expect(steps).toBe(ALL_STEPS);
  });

  it('keeps every pre-activation at |a| >= 20 with the sign of the next code, in all 12 (yesterday\'s code, weather) cases', () => {
    const { weightIh, weightHh, biasIh, biasHh } = chefRnnModel().params.layers[0];
    let cases = 0;
    for (const [pair, h] of Object.entries(CODE)) {
      const [food] = pair.split('/') as [Food, Weather];
      WEATHERS.forEach((weather, w) => {
        cases++;
        const next = CODE[`${chefRule(food, weather)}/${weather}`];
        for (let j = 0; j < 3; j++) {
          const a = weightIh[j * 2 + w] + biasIh[j] + biasHh[j] + h.reduce((s, hk, k) => s + weightHh[j * 3 + k] * hk, 0);
          expect(Math.abs(a), `${pair} then ${weather}, unit ${j}`).toBeGreaterThanOrEqual(20);
          expect(Math.sign(a), `${pair} then ${weather}, unit ${j}`).toBe(next[j]);
        }
      });
    }
    expect(cases).toBe(12);
  });

  it('holds the documented weights: W_xh 3x2, W_hh 3x3 and b, 20 times small integers, and the half-unit head', () => {
    const model = chefRnnModel();
    expect(model.spec).toEqual({ cell: 'rnn_tanh', inputSize: 2, hiddenSize: 3, numLayers: 1, outputSize: 3 });
    const { weightIh, weightHh, biasIh, biasHh } = model.params.layers[0];
    expect(Array.from(weightIh)).toEqual([-20, 20, -20, 20, 20, -20]);
    expect(Array.from(weightHh)).toEqual([20, -40, -20, 20, -20, 0, 0, 20, 20]);
    expect(Array.from(biasIh)).toEqual([-40, -40, 0]);
    expect(Array.from(biasHh)).toEqual([0, 0, 0]);
    expect(Array.from(model.params.headWeight)).toEqual([-0.5, 0, -0.5, 0.5, -0.5, 0, 0, 0.5, 0.5]);
    expect(Array.from(model.params.headBias)).toEqual([0, 0, 1]);
  });

  it('describes each (food, weather) day by the code in the table, and starts from the code of a sunny day', () => {
    for (const food of FOODS) {
      for (const weather of WEATHERS) expect(Array.from(chefCode(food, weather))).toEqual(CODE[`${food}/${weather}`]);
      expect(Array.from(chefStartState(food))).toEqual(CODE[`${food}/sunny`]);
    }
  });

  it('gives the same foods from either sandwich code, since what follows depends only on the food', () => {
    const weathers: Weather[] = ['rainy', 'sunny', 'rainy', 'rainy', 'sunny', 'rainy', 'sunny'];
    const model = chefRnnModel();
    const fromSunny = cookWithWeather(model, chefCode('sandwich', 'sunny'), weathers).map((d) => d.food);
    const fromRainy = cookWithWeather(model, chefCode('sandwich', 'rainy'), weathers).map((d) => d.food);
    expect(fromRainy).toEqual(fromSunny);
    expect(fromSunny).toEqual(['pizza', 'pizza', 'chicken', 'sandwich', 'sandwich', 'pizza', 'pizza']);
  });

  it('reads a zero h_0 (PyTorch\'s default) as "yesterday was sandwich": sunny gives sandwich, rainy gives pizza', () => {
    for (const weather of WEATHERS) {
      const [day] = cookWithWeather(chefRnnModel(), new Float32Array(3), [weather]);
      expect(day.food).toBe(weather === 'sunny' ? 'sandwich' : SUCCESSOR.sandwich);
      expect(Array.from(day.hidden)).toEqual(CODE[`${day.food}/${weather}`]);
    }
  });
});
