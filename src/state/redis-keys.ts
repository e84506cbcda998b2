import { ConfigError } from '../errors/config-error.js';
import type { PartitionRef } from './state-store.js';

/** The Redis keys of one input partition; all share the Cluster hash tag `{<topic>:<partition>}`. */
export interface PartitionKeys {
  /** Hash: entity key -> encoded KeyState. */
  readonly states: string;
  /** String: offset of the last applied event of the partition. */
  readonly watermark: string;
  /** Hash: the last batch's predictions (wm, from, produced, msgs). */
  readonly outbox: string;
}

/** Default key prefix. */
export const DEFAULT_KEY_PREFIX = 'rnn-stream';

const PREFIX_RULE = /^[A-Za-z0-9._:-]{1,128}$/;
/** Kafka's own rule for topic names (legal characters, at most 249). */
const TOPIC_RULE = /^[A-Za-z0-9._-]{1,249}$/;
/** Model versions in key names (registry ids are 16 hex digits). */
const VERSION_RULE = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * The only place Redis keys are built: `<prefix>:{<topic>:<partition>}:states|wm|outbox`. The
 * hash tag puts everything of a partition in one Cluster slot, so one script can touch it all.
 */
export class RedisKeys {
  readonly prefix: string;

  /** Throws ConfigError when `prefix` has other characters than letters, digits and `._:-`. */
  constructor(prefix: string = DEFAULT_KEY_PREFIX) {
    if (!PREFIX_RULE.test(prefix)) {
      throw new ConfigError(
        `state key prefix ${JSON.stringify(prefix)} must be 1-128 characters of letters, digits and . _ : - (braces would break the Cluster hash tag)`,
        { key: 'keyPrefix' },
      );
    }
    this.prefix = prefix;
  }

  /** The hash tag of a partition, braces included: `{ticks:7}`. */
  hashTag(ref: PartitionRef): string {
    if (!TOPIC_RULE.test(ref.topic)) {
      throw new ConfigError(`topic ${JSON.stringify(ref.topic)} is not a Kafka topic name (letters, digits, . _ -; at most 249)`, {
        key: 'topic',
      });
    }
    if (!Number.isInteger(ref.partition) || ref.partition < 0) {
      throw new ConfigError(`partition ${ref.partition} of topic ${ref.topic} is not an integer >= 0`, { key: 'partition' });
    }
    return `{${ref.topic}:${ref.partition}}`;
  }

  /** The keys of one partition. */
  partition(ref: PartitionRef): PartitionKeys {
    const base = `${this.prefix}:${this.hashTag(ref)}`;
    return { states: `${base}:states`, watermark: `${base}:wm`, outbox: `${base}:outbox` };
  }

  /**
   * The hash of one model version's live scores in one deployment (consumer group `group`):
   * `<prefix>:live:{<group>}:<version>`, one field per worker (quality/publish-live-scores.ts).
   * The deployment's hashes share the hash tag `{<group>}`, so one MULTI writes them all in a
   * Redis Cluster too. Throws ConfigError for a group id with braces.
   */
  liveScores(group: string, version: string): string {
    return `${this.liveScoresBase(group)}:${version}`;
  }

  /** A SCAN MATCH pattern for the live-score hashes of a deployment (glob characters in the group id escaped). */
  liveScoresPattern(group: string): string {
    return `${globEscape(this.liveScoresBase(group))}:*`;
  }

  /**
   * The status a worker of deployment `group` publishes about itself (service/live-status.ts):
   * `<prefix>:workers:{<group>}:<instance>`, a string that expires unless refreshed.
   */
  workerStatus(group: string, instance: string): string {
    return `${this.prefix}:workers:${groupTag(group)}:${instance}`;
  }

  /** A SCAN MATCH pattern for the worker statuses of a deployment (glob characters in the group id escaped). */
  workerStatusPattern(group: string): string {
    return `${this.prefix}:workers:${globEscape(groupTag(group))}:*`;
  }

  private liveScoresBase(group: string): string {
    return `${this.prefix}:live:${groupTag(group)}`;
  }

  /**
   * The states hash of shadow model `version` for a partition (same hash tag):
   * `<prefix>:{<topic>:<partition>}:shadow:<version>:states`.
   */
  shadowStates(ref: PartitionRef, version: string): string {
    if (!VERSION_RULE.test(version)) {
      throw new ConfigError(`model version ${JSON.stringify(version)} is not 1-64 letters, digits and . _ -`, { key: 'model.shadows' });
    }
    return `${this.prefix}:${this.hashTag(ref)}:shadow:${version}:states`;
  }

  /** A SCAN MATCH pattern for every key under this prefix (for clean-up and inspection tools). */
  pattern(): string {
    return `${this.prefix}:{*`;
  }
}

/** The hash tag of a deployment's keys, `{<group>}`. Throws ConfigError for a group id that cannot name keys. */
function groupTag(group: string): string {
  if (group.length === 0 || /[{}]/.test(group)) {
    throw new ConfigError(`consumer group id ${JSON.stringify(group)} cannot name live-model keys: it must be non-empty and without braces`, { key: 'kafka.groupId' });
  }
  return `{${group}}`;
}

/** `text` with the glob characters of SCAN MATCH escaped. */
function globEscape(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}
