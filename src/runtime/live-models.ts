import { RnnStreamError } from '../errors/index.js';
import type { ModelRuntime } from './model-runtime.js';
import { eventShapeMismatch } from './event-shape.js';

/** The models a pipeline runs at one moment: the champion (published) and its shadows (not). */
export interface LiveModelSet {
  /** Serves: its predictions go to the output topic, its states to the partition's state hash. */
  readonly champion: ModelRuntime;
  /** Candidates advanced on the same events, states kept apart, predictions not published. */
  readonly shadows: readonly ModelRuntime[];
}

/** One live model and its role, as scorers and the status report list them. */
export interface LiveModel {
  readonly role: 'champion' | 'shadow';
  readonly runtime: ModelRuntime;
}

/** Every model of `set`, champion first. */
export function liveModelList(set: LiveModelSet): LiveModel[] {
  return [{ role: 'champion', runtime: set.champion }, ...set.shadows.map((runtime) => ({ role: 'shadow' as const, runtime }))];
}

/**
 * The live model set of a worker, replaced as a whole when the registry's champion or shadows
 * change (service/follow-registry.ts). Each batch reads {@link current} once when it starts and
 * uses that set to its end, so a partition switches models at a batch boundary and no batch (and
 * no key's state) ever mixes two versions.
 */
export class LiveModels {
  private set: LiveModelSet;
  private readonly listeners: ((set: LiveModelSet, previous: LiveModelSet) => void)[] = [];

  constructor(champion: ModelRuntime, shadows: readonly ModelRuntime[] = []) {
    this.set = checkedSet({ champion, shadows });
  }

  /** The set new batches use. */
  current(): LiveModelSet {
    return this.set;
  }

  /**
   * Makes `next` the set for batches that start from now on. Throws RnnStreamError (and changes
   * nothing) when a model of `next` reads events of another shape than the running champion, or
   * a shadow repeats the champion or another shadow.
   */
  replace(next: LiveModelSet): void {
    const mismatch = eventShapeMismatch(this.set.champion.shape, next.champion.shape);
    if (mismatch !== null) throw new RnnStreamError(`model ${next.champion.loaded.version} cannot replace ${this.set.champion.loaded.version}: ${mismatch}`);
    const previous = this.set;
    this.set = checkedSet(next);
    for (const listener of this.listeners) listener(this.set, previous);
  }

  /** Calls `listener` after every {@link replace}. */
  onChange(listener: (set: LiveModelSet, previous: LiveModelSet) => void): void {
    this.listeners.push(listener);
  }
}

function checkedSet(set: LiveModelSet): LiveModelSet {
  const seen = new Set([set.champion.loaded.version]);
  for (const shadow of set.shadows) {
    const mismatch = eventShapeMismatch(set.champion.shape, shadow.shape);
    if (mismatch !== null) throw new RnnStreamError(`shadow model ${shadow.loaded.version} cannot run beside ${set.champion.loaded.version}: ${mismatch}`);
    if (seen.has(shadow.loaded.version)) throw new RnnStreamError(`model ${shadow.loaded.version} is listed twice among the live models (champion and shadows must differ)`);
    seen.add(shadow.loaded.version);
  }
  return Object.freeze({ champion: set.champion, shadows: Object.freeze([...set.shadows]) });
}
