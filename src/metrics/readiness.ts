/** The readiness of one dependency, as /readyz reports it. */
export interface ComponentStatus {
  /** What was checked: e.g. `kafka`, `redis`, `partitions`. */
  readonly name: string;
  readonly ready: boolean;
  /** Why it is not ready (or a short description when it is). */
  readonly detail?: string;
}

/**
 * Answers whether the process can do its work: Kafka and Redis answer and partitions are
 * assigned. Called on every /readyz request; it should be quick and must not throw for an
 * expected "not ready" (a throw is reported as not ready, with its message).
 */
export type ReadinessCheck = () => Promise<readonly ComponentStatus[]>;
