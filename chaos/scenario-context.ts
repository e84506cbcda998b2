import type { ChaosServices } from './chaos-services.js';
import type { TcpProxy } from './tcp-proxy.js';
import type { WorkerPool } from './worker-pool.js';

/** What a scenario's fault script can do (implemented by run-scenario.ts). */
export interface ScenarioContext {
  readonly pool: WorkerPool;
  readonly services: ChaosServices;
  /** The proxy between the workers and Redis. */
  readonly proxy: TcpProxy;
  readonly sessionTimeoutMs: number;
  /** `full` faults of a kind in a normal run, `smoke` in the smoke run. */
  count(full: number, smoke: number): number;
  sleep(ms: number): Promise<void>;
  /** Records that a fault was injected now. */
  fault(label: string): void;
  /** Records that the system is whole again, then waits until the lag is back under the threshold (at most 60 s). */
  healed(): Promise<void>;
  /** Adds a line to the run's log. */
  note(text: string): void;
  /**
   * Waits until a partition's first batch was written to Redis and Kafka committed an offset past
   * it; returns the AOF size from before the scenario's first write.
   */
  firstWritesCommitted(): Promise<number>;
  /** The AOF size sampled at least `ms` ago. */
  appendSizeAgo(ms: number): number;
  /** Produces `count` garbage messages now. */
  garbage(count: number): Promise<void>;
}
