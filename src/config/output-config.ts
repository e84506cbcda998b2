/**
 * The `output` section of the service configuration: what the predictions and dead letters
 * promise to their consumers. Defaults and their documentation: config/default.yaml; the
 * guarantees in full: docs/reliability.md.
 */
import { z } from 'zod';

/** The delivery guarantees of the output topics. */
export const OUTPUT_GUARANTEES = ['at_least_once', 'exactly_once'] as const;

/** `at_least_once`: a crash may repeat records (byte-identical); `exactly_once`: Kafka transactions. */
export type OutputGuarantee = (typeof OUTPUT_GUARANTEES)[number];

export const outputConfigSchema = z.strictObject({
  guarantee: z.enum(OUTPUT_GUARANTEES),
  /**
   * First part of every transactional id (`<prefix>-<input topic>-<partition>`); null: the
   * consumer group id. Two pipelines that share it fence each other: give each group its own.
   */
  transactionalIdPrefix: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,200}$/, 'must be 1-200 characters of letters, digits, ".", "_" or "-"')
    .nullable(),
  /** The broker aborts a transaction left open this long (its writer died); read_committed consumers wait for it meanwhile. */
  transactionTimeoutMs: z.number().int().min(1000).max(900_000),
});

/** The validated `output` section. */
export type OutputConfig = z.infer<typeof outputConfigSchema>;
