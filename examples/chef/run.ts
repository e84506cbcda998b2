/**
 * Prints a trace of the three chef examples of the tutorial, each running on the project's own
 * Elman RNN cell with hand-set weights:
 *
 *     npx tsx examples/chef/run.ts                          # default two-week trace
 *     npx tsx examples/chef/run.ts chicken rainy sunny ...  # yesterday's food, then the weathers
 */
import { CHEF_UNITS, chefRnnModel, chefStartState } from './chef-rnn.js';
import { cookWithWeather } from './cook-with-weather.js';
import { cookCycle, foodCycleModel } from './food-cycle.js';
import { cookForWeather, weatherToFoodModel } from './weather-to-food.js';
import { FOODS, WEATHERS, type Food, type Weather } from './vocabulary.js';

const DEFAULT_WEATHERS: Weather[] = [
  'sunny', 'rainy', 'rainy', 'sunny', 'sunny', 'rainy', 'sunny',
  'rainy', 'rainy', 'rainy', 'sunny', 'rainy', 'sunny', 'sunny',
];

const vector = (v: Float32Array) => `[${Array.from(v, (x) => x.toFixed(0)).join(' ')}]`;

function parseArgs(args: string[]): { yesterday: Food; weathers: Weather[] } {
  if (args.length === 0) return { yesterday: 'pizza', weathers: DEFAULT_WEATHERS };
  const [first, ...rest] = args;
  const yesterday = FOODS.find((f) => f === first);
  const weathers = rest.map((w) => WEATHERS.find((x) => x === w));
  if (!yesterday || weathers.some((w) => w === undefined)) {
    process.stderr.write(`usage: run.ts [${FOODS.join('|')}] [${WEATHERS.join('|')}]...\n`);
    process.exit(2);
  }
  return { yesterday, weathers: weathers as Weather[] };
}

const { yesterday, weathers } = parseArgs(process.argv.slice(2));

console.log('Example 1 (MLP, food = W · weather):');
const mlp = weatherToFoodModel();
for (const weather of WEATHERS) {
  const { food, output } = cookForWeather(mlp, weather);
  console.log(`  ${weather.padEnd(6)} -> ${vector(output)} ${food}`);
}

console.log(`\nExample 2 (recurrence, food_t = P · food_{t-1}), yesterday = ${yesterday}:`);
cookCycle(foodCycleModel(), yesterday, 7).forEach((food, i) => {
  console.log(`  day ${String(i + 1).padStart(2)}  ${food}`);
});

console.log(`\nExample 3 (RNN, h_t = tanh(W_xh · weather_t + W_hh · h_{t-1} + b), 3 hidden units), yesterday = ${yesterday}:`);
CHEF_UNITS.forEach((meaning, j) => console.log(`  h${j}: ${meaning}`));
console.log('  day  weather  food      output   h_t (h0 h1 h2)');
const signed = (v: Float32Array) => `[${Array.from(v, (x) => (x > 0 ? '+' : '') + x.toFixed(0)).join(' ')}]`;
const h0 = chefStartState(yesterday);
console.log(`    0  ${'sunny'.padEnd(7)}  ${yesterday.padEnd(8)}  ${' '.repeat(7)}  ${signed(h0)}  h_0, yesterday`);
cookWithWeather(chefRnnModel(), h0, weathers).forEach((d, i) => {
  console.log(`  ${String(i + 1).padStart(3)}  ${d.weather.padEnd(7)}  ${d.food.padEnd(8)}  ${vector(d.output)}  ${signed(d.hidden)}`);
});
