import cliProgress from 'cli-progress';
import type { EpochReport } from '../train/run-training-loop.js';
import type { TrainingProgress } from '../train/run-training.js';

/** A progress display that must be stopped when the run ends. */
export type ProgressDisplay = TrainingProgress & {
  /** Replay progress: messages read of the total known from the offsets. */
  onReplay?(read: number, total: number): void;
  stop(): void;
};

/**
 * Progress on standard error. On a terminal: a bar for the replay (messages read of the total
 * known from the offsets, rate, ETA), then bars for epochs and for the batches of the current
 * epoch (with the batch loss). Otherwise one line per step: replay at every tenth of the range,
 * one line per epoch (`epoch 3/20 train_loss=... val_loss=... (best)`).
 */
export function trainingProgress(epochs: number, withReplay: boolean): ProgressDisplay {
  const epochLine = (r: EpochReport) =>
    `epoch ${r.epoch}/${epochs} train_loss=${fmt(r.trainLoss)} val_loss=${fmt(r.validationLoss)}${r.improved ? ' (best)' : ''}\n`;
  const started = Date.now();
  if (!process.stderr.isTTY) {
    let nextTenth = 0;
    return {
      onReplay(read, total) {
        const tenth = total === 0 ? 10 : Math.floor((read / total) * 10);
        if (read !== 0 && tenth < nextTenth) return;
        if (read === 0 && nextTenth > 0) return;
        nextTenth = tenth + 1;
        const seconds = (Date.now() - started) / 1000;
        process.stderr.write(`replay ${read}/${total} messages (${Math.round((read / Math.max(total, 1)) * 100)}%) ${seconds.toFixed(1)} s\n`);
      },
      onEpoch: (r) => process.stderr.write(epochLine(r)),
      stop() {},
    };
  }
  const multi = new cliProgress.MultiBar(
    { stream: process.stderr, clearOnComplete: false, hideCursor: true, format: '{label} [{bar}] {value}/{total} {info}' },
    cliProgress.Presets.shades_classic,
  );
  const replayBar = withReplay ? multi.create(1, 0, { label: 'replay ', info: '' }) : undefined;
  let epochBar: cliProgress.SingleBar | undefined;
  let batchBar: cliProgress.SingleBar | undefined;
  const bars = () => {
    epochBar ??= multi.create(epochs, 0, { label: 'epochs ', info: '' });
    batchBar ??= multi.create(1, 0, { label: 'batches', info: '' });
    return { epochBar, batchBar };
  };
  return {
    onReplay(read, total) {
      const seconds = (Date.now() - started) / 1000;
      const rate = seconds > 0 ? read / seconds : 0;
      const eta = rate > 0 ? (total - read) / rate : NaN;
      replayBar?.setTotal(Math.max(total, 1));
      replayBar?.update(read, { info: `${Math.round(rate)} msg/s ETA ${Number.isFinite(eta) ? `${eta.toFixed(0)} s` : '-'}` });
    },
    onEpochStart(_epoch, batches) {
      const { batchBar: b } = bars();
      b.setTotal(batches);
      b.update(0, { info: '' });
    },
    onBatch(_epoch, batch, loss) {
      bars().batchBar.update(batch, { info: `loss ${fmt(loss)}` });
    },
    onEpoch(r) {
      multi.log(epochLine(r));
      bars().epochBar.update(r.epoch, { info: `val_loss ${fmt(r.validationLoss)} best epoch ${r.bestEpoch}` });
    },
    stop() {
      multi.stop();
    },
  };
}

/** Six significant digits; non-finite values as they are. */
export function fmt(x: number): string {
  return Number.isFinite(x) ? x.toPrecision(6) : String(x);
}
