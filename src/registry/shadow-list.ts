import { RnnStreamError } from '../errors/index.js';
import { MAX_SHADOWS, type ChampionChange } from './model-registry.js';

/** The champion pointer's stored shape, shared by both registry stores. */
export interface ChampionPointer {
  champion: string | null;
  stack: string[];
  /** Absent in pointers written before shadows existed. */
  shadows?: string[];
}

/** Promotes `id` in `c` (mutated): a shadow that becomes champion leaves the shadow list. */
export function promoteIn(c: ChampionPointer, id: string, reason: string): ChampionChange {
  if (c.champion !== null && c.champion !== id) c.stack.push(c.champion);
  const previous = c.champion;
  c.champion = id;
  c.shadows = (c.shadows ?? []).filter((v) => v !== id);
  return { version: id, previous, at: new Date().toISOString(), reason, shadows: [...c.shadows] };
}

/** Rolls `c` (mutated) back to its previous champion; throws when there is none. */
export function rollbackIn(c: ChampionPointer, reason: string): ChampionChange {
  const previousChampion = c.stack.pop();
  if (previousChampion === undefined) throw new RnnStreamError('no earlier champion to roll back to');
  const change = { version: previousChampion, previous: c.champion, at: new Date().toISOString(), reason };
  c.champion = previousChampion;
  c.shadows = (c.shadows ?? []).filter((v) => v !== previousChampion);
  return { ...change, shadows: [...c.shadows] };
}

/** Adds (`on`) or removes `id` on `c`'s shadow list (mutated); throws RnnStreamError on a change that is not allowed. */
export function setShadowIn(c: ChampionPointer, id: string, on: boolean, reason: string): ChampionChange {
  const shadows = c.shadows ?? [];
  if (on) {
    if (id === c.champion) throw new RnnStreamError(`version ${id} is the champion; it cannot also be a shadow`);
    if (!shadows.includes(id)) {
      if (shadows.length >= MAX_SHADOWS) throw new RnnStreamError(`the shadow list already has ${MAX_SHADOWS} versions (${shadows.join(', ')}); remove one first`);
      shadows.push(id);
    }
  } else {
    if (!shadows.includes(id)) throw new RnnStreamError(`version ${id} is not a shadow (shadows: ${shadows.length > 0 ? shadows.join(', ') : 'none'})`);
    shadows.splice(shadows.indexOf(id), 1);
  }
  c.shadows = shadows;
  return { version: c.champion, previous: c.champion, at: new Date().toISOString(), reason, shadows: [...shadows] };
}
