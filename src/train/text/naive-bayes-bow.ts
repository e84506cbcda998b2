/**
 * The bag-of-words baseline of a text classifier: multinomial naive Bayes on token counts
 * (add-one smoothing), fitted on the training split:
 *
 *     log P(c | x) = log P(c) + Σ_{tokens w of x} log P(w | c) - log Z
 *     P(c)     = n_c / n                               (training examples of class c)
 *     P(w | c) = (count(w, c) + 1) / (tokens(c) + V)    (V = vocabulary size, unknown id included)
 *
 * Tokens are the model's vocabulary ids (an out-of-vocabulary token counts as the unknown id), so
 * the baseline sees exactly the input the model sees, without the order.
 */

/** A fitted multinomial naive Bayes over `classes` classes and `vocabSize` token ids. */
export class NaiveBayesBow {
  readonly classes: number;
  readonly vocabSize: number;
  private readonly logPrior: Float64Array;
  /** classes x vocabSize log P(w | c). */
  private readonly logLikelihood: Float64Array;

  /** Fits on training examples: token ids and class index of each. */
  constructor(vocabSize: number, classes: number, examples: Iterable<{ readonly ids: Int32Array; readonly label: number }>) {
    this.classes = classes;
    this.vocabSize = vocabSize;
    const docs = new Float64Array(classes);
    const counts = new Float64Array(classes * vocabSize);
    const totals = new Float64Array(classes);
    let n = 0;
    for (const { ids, label } of examples) {
      docs[label]++;
      n++;
      for (let i = 0; i < ids.length; i++) counts[label * vocabSize + ids[i]]++;
      totals[label] += ids.length;
    }
    this.logPrior = docs.map((d) => Math.log(d / n));
    this.logLikelihood = new Float64Array(classes * vocabSize);
    for (let c = 0; c < classes; c++) {
      const denominator = Math.log(totals[c] + vocabSize);
      for (let w = 0; w < vocabSize; w++) this.logLikelihood[c * vocabSize + w] = Math.log(counts[c * vocabSize + w] + 1) - denominator;
    }
  }

  /** Writes log P(c) + Σ log P(w | c) of every class into `out` (unnormalised log posteriors). */
  logJoint(ids: Int32Array, out: Float64Array): void {
    for (let c = 0; c < this.classes; c++) {
      let s = this.logPrior[c];
      const row = c * this.vocabSize;
      for (let i = 0; i < ids.length; i++) s += this.logLikelihood[row + ids[i]];
      out[c] = s;
    }
  }
}
