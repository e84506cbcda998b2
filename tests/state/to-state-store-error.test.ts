import { describe, expect, it } from 'vitest';
import { StateFencedError } from '../../src/errors/state-fenced-error.js';
import { StateStoreError } from '../../src/errors/state-store-error.js';
import { toStateStoreError } from '../../src/state/to-state-store-error.js';

const ctx = { op: 'apply', topic: 'ticks', partition: 2 };

function errorWith(message: string, props: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), props);
}

describe('toStateStoreError', () => {
  it.each([
    errorWith('connect ECONNREFUSED 127.0.0.1:6379', { code: 'ECONNREFUSED' }),
    errorWith('read ECONNRESET', { code: 'ECONNRESET' }),
    errorWith('Connection is closed.'),
    errorWith('Command timed out'),
    errorWith('Reached the max retries per request limit (which is 2).', { name: 'MaxRetriesPerRequestError' }),
    errorWith('LOADING Redis is loading the dataset in memory'),
    errorWith('BUSY Redis is busy running a script.'),
    errorWith('READONLY You can\'t write against a read only replica.'),
    errorWith('OOM command not allowed when used memory > \'maxmemory\'.'),
  ])('marks $message as retriable', (error) => {
    const wrapped = toStateStoreError(error, ctx);
    expect(wrapped).toBeInstanceOf(StateStoreError);
    expect(wrapped).toMatchObject({ retriable: true, op: 'apply', topic: 'ticks', partition: 2, cause: error });
    expect(wrapped.message).toBe(`state store apply ticks[2]: ${error.message}`);
  });

  it.each([
    errorWith('WRONGTYPE Operation against a key holding the wrong kind of value'),
    errorWith('WRONGPASS invalid username-password pair or user is disabled.'),
    errorWith('NOPERM this user has no permissions to access one of the keys used as arguments'),
    errorWith('ERR Error running script'),
  ])('marks $message as not retriable', (error) => {
    expect(toStateStoreError(error, ctx)).toMatchObject({ name: 'StateStoreError', retriable: false });
  });

  it('passes the project\'s own errors through unchanged', () => {
    const fenced = new StateFencedError({ topic: 'ticks', partition: 2, expected: 1, actual: 5 });
    expect(toStateStoreError(fenced, ctx)).toBe(fenced);
  });
});
