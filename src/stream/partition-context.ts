import type { KeyState } from '../state/key-state.js';
import type { PartitionRef } from '../state/state-store.js';

/**
 * What a worker holds for one input partition while it owns it: the states of the partition's
 * keys (read once on assignment, advanced in memory, written once per batch) and the watermark
 * (offset of the last message applied) that the next batch write expects in the store.
 */
export class PartitionContext {
  readonly ref: PartitionRef;
  readonly states: Map<string, KeyState>;
  watermark: number;
  /** Shadow model version -> the states of its keys (loaded on the shadow's first batch here). */
  readonly shadowStates = new Map<string, Map<string, KeyState>>();
  /** Whether the first batch after the load was checked against the watermark (see claimPartition). */
  positionChecked = false;
  /**
   * exactly_once: the input offset the consumer group had committed when the partition was
   * claimed. The output of every offset below it is committed in Kafka already (offsets commit
   * in the same transaction as the output), so replaying those offsets (after Redis lost writes)
   * rebuilds states without producing again. -1: none.
   */
  outputFrom = -1;

  constructor(ref: PartitionRef, watermark: number, states: Map<string, KeyState>) {
    this.ref = ref;
    this.watermark = watermark;
    this.states = states;
  }
}
