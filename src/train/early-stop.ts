/**
 * Early stopping on the validation loss: remembers the best epoch and says when `patience`
 * epochs in a row brought no improvement. An epoch improves when its loss is below the best
 * so far (strictly; a NaN loss never improves).
 */
export class EarlyStop {
  readonly patience: number;
  bestLoss = Infinity;
  /** 1-based epoch of the best loss; 0 before any epoch. */
  bestEpoch = 0;
  private epochs = 0;

  constructor(patience: number) {
    this.patience = patience;
  }

  /** Records one epoch's validation loss; true when it is the best so far. */
  observe(loss: number): boolean {
    this.epochs++;
    if (!(loss < this.bestLoss)) return false;
    this.bestLoss = loss;
    this.bestEpoch = this.epochs;
    return true;
  }

  /** Whether training should stop: `patience` epochs since the best one. */
  shouldStop(): boolean {
    return this.epochs - this.bestEpoch >= this.patience;
  }
}
