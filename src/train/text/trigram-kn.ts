/**
 * The trigram baseline of a language model: interpolated Kneser-Ney (Chen & Goodman 1998) with
 * one absolute discount D = 0.75 at every order, fitted on the training split. Each line is a
 * sequence w_0 .. w_{n-1} preceded by a begin marker <s>; the predicted positions are w_1 ..
 * w_{n-1} (as the recurrent model, which never predicts a line's first token), each from the two
 * tokens before it (<s> before w_0):
 *
 *   P3(w | u v) = max(c(u v w) - D, 0) / c(u v ·) + D N1+(u v ·) / c(u v ·) P2(w | v)
 *   P2(w | v)   = max(N1+(· v w) - D, 0) / N1+(· v ·) + D N1+(v ·)' / N1+(· v ·) P1(w)
 *   P1(w)       = max(N1+(· w) - D, 0) / N1+(· ·) + D |{w : N1+(· w) > 0}| / N1+(· ·) / V
 *
 * c = trigram counts; N1+(u v ·) distinct followers of u v; N1+(· v w) distinct u before v w
 * (continuation counts); N1+(v ·)' distinct w with N1+(· v w) > 0; N1+(· w) distinct v before w
 * among the bigram types; V the vocabulary size. An unseen context falls back to the next lower
 * order. Every distribution sums to 1 over the V tokens.
 */

/** The discount of every order. */
export const KN_DISCOUNT = 0.75;

/** A fitted interpolated Kneser-Ney trigram model over token ids 0 .. vocabSize-1. */
export class TrigramKneserNey {
  readonly vocabSize: number;
  private readonly bos: number;
  /** (u, v) -> followers w -> c(u v w). */
  private readonly tri = new Map<number, Map<number, number>>();
  private readonly triTotal = new Map<number, number>();
  /** v -> followers w -> N1+(· v w). */
  private readonly mid = new Map<number, Map<number, number>>();
  private readonly midTotal = new Map<number, number>();
  /** N1+(· w) per w, and N1+(· ·). */
  private readonly cont: Float64Array;
  private contTotal = 0;
  private contTypes = 0;
  /** The token of highest P1 (the fallback prediction). */
  private readonly top1: number;

  /** Fits on training lines of token ids. */
  constructor(vocabSize: number, lines: Iterable<Int32Array>) {
    this.vocabSize = vocabSize;
    this.bos = vocabSize;
    for (const ids of lines) {
      for (let t = 1; t < ids.length; t++) {
        const ctx = this.context(t >= 2 ? ids[t - 2] : this.bos, ids[t - 1]);
        let followers = this.tri.get(ctx);
        if (!followers) this.tri.set(ctx, (followers = new Map()));
        followers.set(ids[t], (followers.get(ids[t]) ?? 0) + 1);
        this.triTotal.set(ctx, (this.triTotal.get(ctx) ?? 0) + 1);
      }
    }
    const V1 = vocabSize + 1;
    for (const [ctx, followers] of this.tri) {
      const v = ctx % V1;
      let m = this.mid.get(v);
      if (!m) this.mid.set(v, (m = new Map()));
      for (const w of followers.keys()) {
        m.set(w, (m.get(w) ?? 0) + 1);
        this.midTotal.set(v, (this.midTotal.get(v) ?? 0) + 1);
      }
    }
    this.cont = new Float64Array(vocabSize);
    for (const m of this.mid.values()) {
      for (const w of m.keys()) {
        if (this.cont[w] === 0) this.contTypes++;
        this.cont[w]++;
        this.contTotal++;
      }
    }
    let top = 0;
    for (let w = 1; w < vocabSize; w++) if (this.cont[w] > this.cont[top]) top = w;
    this.top1 = top;
  }

  /** P(w | u v); `u` = -1 for the begin marker (position 1 of a line). */
  prob(u: number, v: number, w: number): number {
    const followers = this.tri.get(this.context(u < 0 ? this.bos : u, v));
    const p2 = this.p2(v, w);
    if (!followers) return p2;
    const total = this.triTotal.get(this.context(u < 0 ? this.bos : u, v))!;
    return Math.max((followers.get(w) ?? 0) - KN_DISCOUNT, 0) / total + ((KN_DISCOUNT * followers.size) / total) * p2;
  }

  /**
   * The most probable next token after `u v`: among the tokens seen after u v or after v, and the
   * most probable one of P1 (any other token's probability is the back-off weights times its P1).
   */
  predict(u: number, v: number): number {
    let best = this.top1;
    let bestP = this.prob(u, v, best);
    const candidates = [this.tri.get(this.context(u < 0 ? this.bos : u, v)), this.mid.get(v)];
    for (const followers of candidates) {
      if (!followers) continue;
      for (const w of followers.keys()) {
        const p = this.prob(u, v, w);
        if (p > bestP || (p === bestP && w < best)) {
          best = w;
          bestP = p;
        }
      }
    }
    return best;
  }

  private p1(w: number): number {
    if (this.contTotal === 0) return 1 / this.vocabSize;
    return Math.max(this.cont[w] - KN_DISCOUNT, 0) / this.contTotal + (KN_DISCOUNT * this.contTypes) / this.contTotal / this.vocabSize;
  }

  private p2(v: number, w: number): number {
    const m = this.mid.get(v);
    if (!m) return this.p1(w);
    const total = this.midTotal.get(v)!;
    return Math.max((m.get(w) ?? 0) - KN_DISCOUNT, 0) / total + ((KN_DISCOUNT * m.size) / total) * this.p1(w);
  }

  private context(u: number, v: number): number {
    return u * (this.vocabSize + 1) + v;
  }
}
