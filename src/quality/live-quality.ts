/**
 * The live models of a process and their scores: one LiveScorer per model version (the champion
 * and each shadow, created by {@link scorerFor} at their first batch, dropped when a swap or an
 * unshadow retires them), the rnn_stream_live_* metrics read from them, drift detections logged
 * and handed to the drift command.
 */
import type { Logger } from 'pino';
import type { QualityConfig } from '../config/service-config.js';
import type { PipelineMetrics } from '../metrics/pipeline-metrics.js';
import type { LoadedModel } from '../model/load-model.js';
import { liveModelList, type LiveModels } from '../runtime/live-models.js';
import { DriftCommand } from './drift-command.js';
import { liveScoreSpec } from './live-score-spec.js';
import { LiveScorer, type LiveScores } from './live-scorer.js';

/** Dependencies of {@link LiveQuality}. */
export interface LiveQualityDeps {
  readonly config: QualityConfig;
  readonly metrics: PipelineMetrics;
  readonly logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  /** Epoch milliseconds (default Date.now). */
  readonly now?: () => number;
}

/** Scorers of the live models (see the file header). */
export class LiveQuality {
  readonly command: DriftCommand;
  private readonly deps: LiveQualityDeps;
  private readonly scorers = new Map<string, LiveScorer>();

  constructor(deps: LiveQualityDeps) {
    this.deps = deps;
    const { drift } = deps.config;
    this.command = new DriftCommand({
      argv: drift.command,
      cooldownMs: drift.cooldownMs,
      timeoutMs: drift.timeoutMs,
      logger: deps.logger,
      onOutcome: (o) => deps.metrics.liveQuality.commandRun(o),
    });
    deps.metrics.liveQuality.setSource(() => this.scores());
  }

  /**
   * The scorer of `loaded` (created on first use, one per version), or undefined when scoring is
   * off or the model cannot be scored live (the reason is logged once).
   */
  scorerFor(loaded: LoadedModel): LiveScorer | undefined {
    const existing = this.scorers.get(loaded.version);
    if (existing) return existing;
    const { config, logger } = this.deps;
    if (!config.enabled) return undefined;
    const spec = liveScoreSpec(loaded.manifest);
    const model = { model: loaded.manifest.name, version: loaded.version };
    if ('unscored' in spec) {
      logger.info({ ...model, reason: spec.unscored }, 'live scoring off for this model');
      return undefined;
    }
    const scorer = new LiveScorer(loaded, spec, {
      halfLifeEvents: config.halfLifeEvents,
      drift: { delta: config.drift.delta, lambda: config.drift.threshold, minEvents: config.drift.minEvents },
      now: this.deps.now ?? Date.now,
      onDrift: (s, statistic) => this.onDrift(s, statistic),
    });
    this.scorers.set(loaded.version, scorer);
    logger.info({ ...model, target: spec.target, baseline: spec.baseline, measure: spec.primary }, 'live scoring on');
    return scorer;
  }

  /** Stops scoring a version (a swap retired it): its series leave /metrics. */
  remove(version: string): void {
    this.scorers.delete(version);
  }

  /**
   * Follows `models`: after each change of the live set, the versions no longer in it (a
   * champion swapped out, a shadow unshadowed) are {@link remove}d; a version that comes back
   * starts its scores afresh.
   */
  follow(models: LiveModels): void {
    models.onChange((set) => {
      const live = new Set(liveModelList(set).map((m) => m.runtime.loaded.version));
      for (const version of [...this.scorers.keys()]) if (!live.has(version)) this.remove(version);
    });
  }

  /** The scores of every live model. */
  scores(): LiveScores[] {
    return [...this.scorers.values()].map((s) => s.scores());
  }

  private onDrift(scorer: LiveScorer, statistic: number): void {
    const s = scorer.scores();
    const detection = { model: s.model, version: s.version, statistic };
    this.deps.logger.warn({ ...detection, detections: s.drift.detections, skill: s.skill, threshold: this.deps.config.drift.threshold }, 'live quality: drift of the model\'s loss detected');
    void this.command.trigger(detection);
  }
}
