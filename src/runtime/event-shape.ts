import type { EventKind } from '../events/model-event.js';
import type { ModelManifest } from '../model/manifest.js';

/** What a model reads from the input topic: the event kind, the vector width, the token vocabulary. */
export interface EventShape {
  readonly kind: EventKind;
  /** Features per vector event (the model's input size); 0 for ticks and tokens. */
  readonly width: number;
  /** Token models: the vocabulary (ids are only meaningful within it), as JSON; '' otherwise. */
  readonly vocabulary: string;
}

/** The event shape `manifest` decodes (the same choice as events/decode-options-for-model.ts). */
export function eventShape(manifest: ModelManifest): EventShape {
  const f = manifest.features;
  if (f.kind === 'market') return { kind: 'tick', width: 0, vocabulary: '' };
  if (f.kind === 'token') return { kind: 'token', width: 0, vocabulary: JSON.stringify(f.vocabulary) };
  return { kind: 'vector', width: manifest.inputSize, vocabulary: '' };
}

/**
 * Why a model reading `next` cannot replace or run beside one reading `current` on the same
 * input topic (the pipeline decodes every event once, and recent inputs are replayed as they
 * were decoded); null when it can.
 */
export function eventShapeMismatch(current: EventShape, next: EventShape): string | null {
  if (current.kind !== next.kind) return `it reads ${next.kind} events, the running model ${current.kind} events`;
  if (current.width !== next.width) return `it reads vectors of ${next.width} features, the running model ${current.width}`;
  if (current.vocabulary !== next.vocabulary) return 'its token vocabulary differs from the running model\'s';
  return null;
}
