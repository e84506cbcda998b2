import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeEvent, DEFAULT_DECODE_LIMITS } from '../../../src/events/decode-event.js';
import { decodeOptionsForModel } from '../../../src/events/decode-options-for-model.js';
import { loadModel, type LoadedModel } from '../../../src/model/load-model.js';
import { ModelRuntime } from '../../../src/runtime/model-runtime.js';
import { tokenize } from '../../../src/text/tokenize.js';
import { Trainer } from '../../../src/train/trainer.js';
import { runCli, type CliResult } from '../../cli/run-cli.js';

// A small labelled file: the class is the polarity of the LAST adjective ("x but y" -> y), so word order matters.
const POS = ['good', 'great', 'tasty'];
const NEG = ['bad', 'cold', 'bland'];
function labelledLines(n: number): string[] {
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const positive = (i * 7) % 5 < 2 || i % 3 === 0;
    const last = (positive ? POS : NEG)[i % 3];
    const first = (i % 2 === 0 ? POS : NEG)[(i >> 1) % 3];
    lines.push(`${positive ? 'pos' : 'neg'}\tThe Soup was ${i % 4 === 0 ? `${first} but ` : ''}${last}`);
  }
  return lines;
}

/** The parts of a written token-model manifest the assertions read. */
interface TextManifest {
  readonly inputSize: number;
  readonly outputMode: string;
  readonly features: { readonly kind: string; readonly vocabulary: { readonly tokens: string[] } };
  readonly output: { readonly names: string[] };
  readonly metrics: {
    readonly validation: { readonly model: { readonly n: number; readonly crossEntropy: number; readonly bitsPerToken: number }; readonly baselines: Record<string, { readonly n: number }> };
    readonly test: { readonly model: { readonly n: number } };
  };
  readonly provenance: { readonly split: { readonly examples: object }; readonly blankLines: number };
}

/** Softmax of float32 or float64 logits. */
function softmax(logits: ArrayLike<number>): number[] {
  const max = Math.max(...Array.from(logits));
  const e = Array.from(logits, (v) => Math.exp(v - max));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

/** Feeds a text through the serving path: tokenized as the manifest says, each token a JSON event decoded like a Kafka message. */
function serve(loaded: LoadedModel, key: string, text: string): { probabilities: number[][]; unknown: number } {
  const runtime = new ModelRuntime(loaded);
  const state = runtime.newKeyState();
  const vocab = loaded.manifest.features.kind === 'token' ? loaded.manifest.features.vocabulary : undefined;
  const tokens = tokenize(text, vocab!.tokenizer, false);
  const opts = decodeOptionsForModel(loaded.manifest, DEFAULT_DECODE_LIMITS);
  const probabilities: number[][] = [];
  let unknown = 0;
  tokens.forEach((token, t) => {
    const decoded = decodeEvent(JSON.stringify({ key, ts: 1_700_000_000_000 + t, token, end: t === tokens.length - 1 }), key, opts);
    if (!decoded.ok) throw new Error(decoded.detail);
    if (decoded.event.kind === 'token' && decoded.event.unknown) unknown++;
    runtime.advance(state, decoded.event);
    probabilities.push(softmax(runtime.out));
  });
  return { probabilities, unknown };
}

describe('rnn-stream train on a text file (label: many-to-one classifier)', () => {
  let dir: string;
  let input: string;
  let result: CliResult;
  const lines = labelledLines(120);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rnn-stream-train-text-'));
    input = join(dir, 'comments.tsv');
    await writeFile(input, `${lines.join('\n')}\n`);
    result = await runCli(['train', '-i', input, '-o', join(dir, 'out'), '-t', 'label', '--lowercase', '--embedding', '4', '--hidden', '6', '--epochs', '3', '--lr', '0.02', '--batch', '8']);
  });

  it('exits 0 and reports the vocabulary, unknown tokens per part, and the model against the named baselines on validation and test', () => {
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/vocabulary: \d+ tokens \(<unk> included\)/);
    expect(result.stderr).toContain('train 84 examples');
    expect(result.stderr).toMatch(/validation 24 examples, \d+ tokens, \d+ unknown/);
    expect(result.stderr).toContain('classes: neg, pos');
    for (const part of ['validation (24 scored examples)', 'test (12 scored examples)']) expect(result.stderr).toContain(part);
    expect(result.stderr.match(/^ {2}(model|majority_class|naive_bayes_bow) +accuracy=\S+ cross_entropy=\S+$/gm)).toHaveLength(6);
  });

  it('writes a token model: lower-cased whitespace vocabulary from the training split, classes as output names, many-to-one, metrics', async () => {
    const manifest = JSON.parse(await readFile(join(dir, 'out', 'comments.json'), 'utf-8')) as TextManifest;
    expect(manifest.features.kind).toBe('token');
    expect(manifest.features.vocabulary).toMatchObject({ unknownId: 0, lowercase: true, tokenizer: 'whitespace' });
    // "soup", "the" and "was" occur in every line: equal counts, so in code-unit order.
    expect(manifest.features.vocabulary.tokens.slice(0, 4)).toEqual(['<unk>', 'soup', 'the', 'was']);
    expect(manifest.features.vocabulary.tokens).not.toContain('The');
    expect(manifest).toMatchObject({ inputSize: 4, hiddenSize: 6, outputSize: 2, outputMode: 'many_to_one', output: { names: ['neg', 'pos'], decode: 'softmax', target: 'label' } });
    expect(Object.keys(manifest.metrics.validation.baselines)).toEqual(['majority_class', 'naive_bayes_bow']);
    expect(manifest.metrics.test.model.n).toBe(12);
    expect(manifest.provenance.split.examples).toEqual({ train: 84, validation: 24, test: 12 });
  });

  it('serves what it trained: JSON token events decoded and run by the runtime give the trainer\'s float64 probabilities and its reported predictions', async () => {
    const loaded = await loadModel(join(dir, 'out', 'comments.json'));
    const reported = (await readFile(join(dir, 'out', 'validation-predictions.jsonl'), 'utf-8')).trim().split('\n').map((l) => JSON.parse(l) as { line: number; label: string; class: string; probability: number });
    expect(reported).toHaveLength(24);
    const trainer = new Trainer({ spec: loaded.model.spec, initial: loaded.model.params, embedding: loaded.embedding, loss: 'cross_entropy', optimizer: { kind: 'adam', lr: 1e-3 } });
    const vocab = loaded.manifest.features.kind === 'token' ? loaded.manifest.features.vocabulary : undefined;
    const ids = new Map(vocab!.tokens.map((t, i) => [t, i]));
    for (const r of reported) {
      const text = lines[r.line - 1].split('\t')[1];
      expect(r.label).toBe(lines[r.line - 1].split('\t')[0]);
      const served = serve(loaded, `doc-${r.line}`, text).probabilities.at(-1)!;
      const top = served.indexOf(Math.max(...served));
      expect(loaded.manifest.output!.names![top]).toBe(r.class);
      expect(served[top]).toBeCloseTo(r.probability, 6);
      const tokenIds = Int32Array.from(tokenize(text, 'whitespace', true), (t) => ids.get(t) ?? 0);
      const T = tokenIds.length;
      const seq = { inputs: new Float64Array(0), tokenIds, targets: new Float64Array(T), lossMask: new Uint8Array(T), resetAfter: new Uint8Array(T), length: T };
      const exact = softmax(trainer.evaluate([seq]).outputs[0].subarray((T - 1) * 2));
      exact.forEach((p, k) => expect(Math.abs(p - served[k])).toBeLessThan(1e-5));
    }
  });

  it('refuses bad lines with their numbers, without a stack trace, and options that do not apply to text', async () => {
    const bad = join(dir, 'bad.tsv');
    await writeFile(bad, 'pos\tgood\nno tab\n\nneg\tbad\n');
    const r = await runCli(['train', '-i', bad, '-o', join(dir, 'bad-out'), '-t', 'label']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('line 2: no TAB: expected label<TAB>text');
    expect(r.stderr).toContain('line 3: empty line (expected label<TAB>text)');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const misplaced = await runCli(['train', '-i', input, '-o', join(dir, 'x'), '-t', 'label', '--features', 'log_return']);
    expect(misplaced.code).not.toBe(0);
    expect(misplaced.stderr).toContain('--features does not apply to a text target (label, next_token)');
    const eventOnly = await runCli(['train', '-i', input, '-o', join(dir, 'y'), '-t', 'next_logret', '--tokenizer', 'characters']);
    expect(eventOnly.stderr).toContain('--tokenizer does not apply to an event target');
  });
});

describe('rnn-stream train on a text file (next_token: character language model)', () => {
  it('trains over characters and reports bits per token for the model, unigram and trigram_kn; the runtime predicts the next character', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rnn-stream-train-lm-'));
    const input = join(dir, 'text.txt');
    const verses = Array.from({ length: 60 }, (_, i) => `and it was so ${i % 2 ? 'evening' : 'morning'} of day ${i % 7}.`);
    await writeFile(input, `${verses.join('\n\n')}\n`);
    const r = await runCli(['train', '-i', input, '-o', dir, '-t', 'next_token', '--tokenizer', 'characters', '--embedding', '4', '--hidden', '8', '--epochs', '2', '--lr', '0.02']);
    expect(r.code).toBe(0);
    expect(r.stderr.match(/^ {2}(model|unigram|trigram_kn) +accuracy=\S+ cross_entropy=\S+ bits_per_token=\S+$/gm)).toHaveLength(6);
    const manifest = JSON.parse(await readFile(join(dir, 'text.json'), 'utf-8')) as TextManifest;
    expect(manifest.provenance.blankLines).toBe(59);
    expect(manifest.outputMode).toBe('many_to_many');
    expect(manifest.output.names).toEqual(manifest.features.vocabulary.tokens);
    const m = manifest.metrics.validation;
    expect(m.model.bitsPerToken).toBeCloseTo(m.model.crossEntropy / Math.LN2, 12);
    // Scored tokens: every character of a line but the first.
    expect(m.model.n).toBe(m.baselines.trigram_kn.n);
    const loaded = await loadModel(join(dir, 'text.json'));
    const served = serve(loaded, 'verse', verses[0]);
    expect(served.unknown).toBe(0);
    expect(served.probabilities).toHaveLength(verses[0].length);
    for (const p of served.probabilities) expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
  });
});
