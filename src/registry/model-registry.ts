/**
 * The model registry: immutable, content-addressed model versions, each with its provenance and
 * metrics, and a champion pointer (the version in production) with its history. Two stores
 * implement it with the same behaviour: the filesystem (one machine) and Redis (a fleet), see
 * filesystem-registry.ts and redis-registry.ts; tests/registry run one contract suite on both.
 *
 * Running pipelines follow the champion through {@link ModelRegistry.watchChampion}: a change
 * notification (the filesystem store polls its pointer file, Redis publishes on a channel),
 * after which a pipeline reads {@link ModelRegistry.champion} and {@link ModelRegistry.open}s it.
 */

/** What the registry knows of one version. */
export interface ModelVersionInfo {
  /** First 16 hex digits of SHA-256(manifest bytes || weights bytes) as registered. */
  readonly version: string;
  readonly name: string;
  readonly registeredAt: string;
  /** The model's target (`output.target`), when it has one. */
  readonly target: string | null;
  /** Where the model came from: the manifest's provenance plus the code version that registered it. */
  readonly provenance: Readonly<Record<string, unknown>>;
  readonly metrics: Readonly<Record<string, unknown>>;
}

/** One move of the champion pointer, or a change of the shadow list (then `version` = `previous`). */
export interface ChampionChange {
  readonly version: string | null;
  readonly previous: string | null;
  readonly at: string;
  readonly reason: string;
  /** The shadow versions after the change (absent in records written before shadows existed). */
  readonly shadows?: readonly string[];
}

/** Most versions on the shadow list at once (each costs a model step per event). */
export const MAX_SHADOWS = 8;

/** Where model versions live; see the file comment. */
export interface ModelRegistry {
  /**
   * Adds the model at `manifestPath` (its weights resolved next to it). Registering the same
   * bytes again returns the existing version (`created: false`); a version never changes.
   */
  register(manifestPath: string, extraProvenance?: Readonly<Record<string, unknown>>): Promise<{ info: ModelVersionInfo; created: boolean }>;
  /** Every version, oldest first. */
  list(): Promise<ModelVersionInfo[]>;
  /** One version, by its id or a unique prefix of it (at least 4 characters). */
  show(version: string): Promise<ModelVersionInfo>;
  /** A manifest path of the version that loadModel can read (its `version` field is the id). */
  open(version: string): Promise<string>;
  /** The champion's version, or null before the first promotion. */
  champion(): Promise<string | null>;
  /** Makes `version` the champion (the previous one is kept for rollback). */
  promote(version: string, reason: string): Promise<ChampionChange>;
  /** Makes the previous champion the champion again; fails when there is none. */
  rollback(reason: string): Promise<ChampionChange>;
  /**
   * The shadow versions: candidates that running pipelines (model.followRegistry) advance beside
   * the champion on live traffic without publishing their predictions to the output topic.
   */
  shadows(): Promise<string[]>;
  /** Puts `version` on the shadow list (not the champion; at most MAX_SHADOWS); a no-op when it is on it. */
  addShadow(version: string, reason: string): Promise<ChampionChange>;
  /** Takes `version` off the shadow list; fails when it is not on it. */
  removeShadow(version: string, reason: string): Promise<ChampionChange>;
  /** Every champion change and shadow list change, oldest first. */
  history(): Promise<ChampionChange[]>;
  /** Calls `listener` after each champion or shadow list change (from any process); returns the unsubscribe. */
  watchChampion(listener: (change: ChampionChange) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}
