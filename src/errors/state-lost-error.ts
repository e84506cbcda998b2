import { RnnStreamError } from './rnn-stream-error.js';

/** The partition whose state is missing and the evidence that it existed. */
export interface StateLostContext {
  readonly topic: string;
  readonly partition: number;
  /** The consumer group whose committed offset proves the partition was consumed before. */
  readonly groupId: string;
  /** Kafka's committed offset of the group for the partition (the next offset to consume). */
  readonly committed: number;
  /** The earliest offset the log still holds. */
  readonly logStart: number;
}

/**
 * The store holds no state for a partition (no watermark) although Kafka's committed offset says
 * it was consumed before: Redis lost writes (restarted empty, a failover to a replica that missed
 * them, an AOF tail not yet fsynced). Starting the partition's keys fresh would make every later
 * prediction of them silently wrong, so under `redis.lostStatePolicy: refuse` the service stops
 * with this error (not retriable). Recovery: docs/pipeline.md, "Lost state".
 */
export class StateLostError extends RnnStreamError {
  readonly topic: string;
  readonly partition: number;
  readonly groupId: string;
  readonly committed: number;
  readonly logStart: number;

  constructor(context: StateLostContext) {
    super(
      `${context.topic}[${context.partition}]: consumer group ${context.groupId} has committed offset ${context.committed} ` +
        `but the state store holds no state for the partition (Redis lost its writes?); refusing to start its keys fresh. ` +
        `Restore Redis, or rebuild the partition from the log start (offset ${context.logStart}): stop every instance, reset the ` +
        `group's offset with kafka-consumer-groups.sh --group ${context.groupId} --topic ${context.topic}:${context.partition} ` +
        `--reset-offsets --to-earliest --execute, and start again (see docs/pipeline.md, "Lost state")`,
      { retriable: false },
    );
    this.topic = context.topic;
    this.partition = context.partition;
    this.groupId = context.groupId;
    this.committed = context.committed;
    this.logStart = context.logStart;
  }
}
