/**
 * The baselines a text model is reported against, fitted on the training split and scored on
 * the same steps as the model (accuracy, mean cross-entropy in nats):
 *
 *   classifier (label)
 *     majority_class    the most frequent training class; probabilities are the training class
 *                       frequencies with add-one smoothing, (n_c + 1) / (n + K)
 *     naive_bayes_bow   multinomial naive Bayes on token counts (naive-bayes-bow.ts)
 *   language model (next_token)
 *     unigram           the most frequent training token; probabilities (count + 1) / (N + V)
 *                       over the predicted training tokens
 *     trigram_kn        interpolated Kneser-Ney trigram, D = 0.75 (trigram-kn.ts)
 */
import { ClassAccumulator, type ClassMetrics } from '../baseline-metrics.js';
import { NaiveBayesBow } from './naive-bayes-bow.js';
import type { TextDataset, TextPart } from './text-dataset.js';
import { TrigramKneserNey } from './trigram-kn.js';

/** Baselines fitted on a dataset's training split, ready to score its other parts. */
export interface TextBaselines {
  /** Metrics of every baseline on `part`, by name. */
  score(part: TextPart): Record<string, ClassMetrics>;
}

/** Fits the baselines of the dataset's task (see file header). */
export function fitTextBaselines(ds: TextDataset, languageModel: boolean): TextBaselines {
  return languageModel ? languageModelBaselines(ds) : classifierBaselines(ds);
}

function classifierBaselines(ds: TextDataset): TextBaselines {
  const K = ds.classes.length;
  const V = ds.vocabulary.tokens.length;
  const train = ds.parts.train;
  const counts = new Float64Array(K);
  for (const ex of train) counts[ex.label]++;
  const prior = counts.map((n) => Math.log((n + 1) / (train.length + K)));
  const bayes = new NaiveBayesBow(V, K, train);
  const joint = new Float64Array(K);
  return {
    score(part) {
      const majority = new ClassAccumulator(true);
      const nb = new ClassAccumulator(true);
      for (const ex of ds.parts[part]) {
        majority.addLogits(prior, 0, K, ex.label);
        bayes.logJoint(ex.ids, joint);
        nb.addLogits(joint, 0, K, ex.label);
      }
      return { majority_class: majority.result(), naive_bayes_bow: nb.result() };
    },
  };
}

function languageModelBaselines(ds: TextDataset): TextBaselines {
  const V = ds.vocabulary.tokens.length;
  const counts = new Float64Array(V);
  let n = 0;
  for (const ex of ds.parts.train) {
    for (let t = 1; t < ex.ids.length; t++) counts[ex.ids[t]]++;
    n += ex.ids.length - 1;
  }
  let top = 0;
  for (let w = 1; w < V; w++) if (counts[w] > counts[top]) top = w;
  const logUnigram = counts.map((c) => Math.log((c + 1) / (n + V)));
  const trigram = new TrigramKneserNey(V, ds.parts.train.map((ex) => ex.ids));
  return {
    score(part) {
      const unigram = new ClassAccumulator(true);
      const tri = new ClassAccumulator(true);
      for (const { ids } of ds.parts[part]) {
        for (let t = 1; t < ids.length; t++) {
          const w = ids[t];
          unigram.add(top, w, logUnigram[w]);
          const u = t >= 2 ? ids[t - 2] : -1;
          tri.add(trigram.predict(u, ids[t - 1]), w, Math.log(trigram.prob(u, ids[t - 1], w)));
        }
      }
      return { unigram: unigram.result(), trigram_kn: tri.result() };
    },
  };
}
