import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors/config-error.js';
import { RedisKeys } from '../../src/state/redis-keys.js';

describe('RedisKeys', () => {
  it('puts every key of a partition under the hash tag {topic:partition} after the prefix', () => {
    expect(new RedisKeys('prod:rnn').partition({ topic: 'ticks', partition: 7 })).toEqual({
      states: 'prod:rnn:{ticks:7}:states',
      watermark: 'prod:rnn:{ticks:7}:wm',
      outbox: 'prod:rnn:{ticks:7}:outbox',
    });
  });

  it('defaults the prefix to rnn-stream', () => {
    expect(new RedisKeys().partition({ topic: 'a.b_c-d', partition: 0 }).watermark).toBe('rnn-stream:{a.b_c-d:0}:wm');
  });

  it.each(['', 'has space', 'brace{', 'brace}', 'star*', 'x'.repeat(129)])('rejects the prefix %j with a ConfigError naming keyPrefix', (prefix) => {
    const make = (): RedisKeys => new RedisKeys(prefix);
    expect(make).toThrow(ConfigError);
    expect(make).toThrow(/state key prefix .* must be 1-128 characters/);
  });

  it.each([
    [{ topic: 'tic}ks', partition: 0 }, /not a Kafka topic name/],
    [{ topic: 'a:b', partition: 0 }, /not a Kafka topic name/],
    [{ topic: '', partition: 0 }, /not a Kafka topic name/],
    [{ topic: 'ticks', partition: -1 }, /partition -1 of topic ticks/],
    [{ topic: 'ticks', partition: 1.5 }, /partition 1.5 of topic ticks/],
  ])('rejects a partition that cannot be tagged: %j', (ref, message) => {
    expect(() => new RedisKeys().partition(ref)).toThrow(message);
  });

  it('matches only its own keys with its SCAN pattern', () => {
    expect(new RedisKeys('p1').pattern()).toBe('p1:{*');
  });
});
