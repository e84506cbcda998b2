/**
 * The model manifest (`rnn-stream.model/v1`): the JSON file that describes a model and points at
 * its safetensors weights. The minimal manifest any tool can write is
 *
 *     {"format":"rnn-stream.model/v1","name":"x","cell":"gru","inputSize":3,"hiddenSize":8,
 *      "numLayers":2,"outputSize":2,"weights":"x.safetensors"}
 *
 * Everything else has a default. Unknown fields are kept (other tools may add their own).
 */
import { z } from 'zod';
import { CELL_KINDS } from './cell-kind.js';
import { MAX_DIMENSION } from './model-spec.js';
import { vocabularySchema } from './vocabulary.js';

export const MODEL_FORMAT = 'rnn-stream.model/v1';

const size = z.number().int().min(1).max(MAX_DIMENSION);
const finite = z.number().finite();

/** How raw events become model inputs; `vector` passes an event's `features` through, `token` embeds a token id. */
export const featureSpecSchema = z.discriminatedUnion('kind', [
  z.looseObject({ kind: z.literal('vector') }),
  z.looseObject({
    kind: z.literal('market'),
    /** Inputs derived per tick, in this order (see src/features/market-features.ts). */
    inputs: z.array(z.enum(['log_return', 'log_volume', 'time_gap'])).min(1),
  }),
  /**
   * Token events (`token` or `id`): the input is row `id` of `embedding.weight`
   * [vocabulary size, inputSize], as torch.nn.Embedding computes it.
   */
  z.looseObject({ kind: z.literal('token'), vocabulary: vocabularySchema }),
]);

export type FeatureSpec = z.infer<typeof featureSpecSchema>;

export const manifestSchema = z.looseObject({
  format: z.literal(MODEL_FORMAT),
  name: z.string().min(1).max(200),
  /** Version stamped on predictions and states; defaults to a hash of the weights file. */
  version: z.string().min(1).max(100).optional(),
  cell: z.enum(CELL_KINDS),
  inputSize: size,
  hiddenSize: size,
  numLayers: size,
  outputSize: size,
  /** Path of the safetensors file, relative to the manifest. */
  weights: z.string().min(1),
  features: featureSpecSchema.default({ kind: 'vector' }),
  /** Per-input standardisation applied after the feature transform: (x - mean) / std. */
  normalisation: z
    .object({ mean: z.array(finite), std: z.array(finite.positive()) })
    .optional(),
  /** Many-to-many: a prediction after every event. Many-to-one: see docs/training.md. */
  outputMode: z.enum(['many_to_many', 'many_to_one']).default('many_to_many'),
  /**
   * Many-to-one only: an event that follows its key's previous event by more than this many
   * milliseconds starts a new sequence (h/c reset before it), as an `end` marker would.
   */
  sequenceGapMs: z.number().positive().optional(),
  /** How to read the head's output: names, de-standardisation, softmax for classes. */
  output: z
    .looseObject({
      names: z.array(z.string()).optional(),
      mean: z.array(finite).optional(),
      std: z.array(finite.positive()).optional(),
      decode: z.enum(['identity', 'softmax', 'log_variance']).default('identity'),
      target: z.string().optional(),
    })
    .optional(),
  provenance: z.record(z.string(), z.unknown()).optional(),
  metrics: z.record(z.string(), z.unknown()).optional(),
});

/** A parsed, validated manifest with defaults filled in. */
export type ModelManifest = z.infer<typeof manifestSchema>;

/** Input type of a manifest (what a file may contain before defaults). */
export type ModelManifestInput = z.input<typeof manifestSchema>;
