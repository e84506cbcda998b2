/**
 * Prints a trace of the three chef examples of the tutorial, each running on the project's own
 * Elman RNN cell with hand-set weights:
 *
 *     npx tsx examples/chef/run.ts                          # default two-week trace
 *     npx tsx examples/chef/run.ts chicken rainy sunny ...  # yesterday's food, then the weathers
 */
import { chefRnnModel, chefStartState, cookWithWeather } from './chef-rnn.js';
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

console.log(`\nExample 3 (RNN, h_t = relu(W_xh · weather_t + W_hh · h_{t-1} + b)), yesterday = ${yesterday}:`);
console.log('  day  weather  food      h_t (sunny·p c s | rainy·p c s)');
const days = cookWithWeather(chefRnnModel(), chefStartState(yesterday), weathers);
days.forEach((d, i) => {
  const h = vector(d.hidden).slice(1, -1).split(' ');
  console.log(`  ${String(i + 1).padStart(3)}  ${d.weather.padEnd(7)}  ${d.food.padEnd(8)}  [${h.slice(0, 3).join(' ')} | ${h.slice(3).join(' ')}]`);
});
