import { describe, expect, it } from 'vitest';
import { DatasetError } from '../../src/errors/index.js';
import type { TargetIssue } from '../../src/train/event-set.js';
import type { KeyEvents } from '../../src/train/key-events.js';
import { directionClass, keyTargets, targetShape } from '../../src/train/target-values.js';
import { keyEventsOf } from './dataset-helpers.js';

const ticks = (prices: number[]): KeyEvents => keyEventsOf(prices.map((price, i) => ({ kind: 'tick', key: 'A', ts: i, price, volume: 0, end: false })));
/** Raw targets as the event reader keeps them: numbers, absent, or unusable (not numbers). */
const vectors = (targets: (number | number[] | undefined | 'unusable')[]): KeyEvents =>
  keyEventsOf(
    targets.map((_, i) => ({ kind: 'vector', key: 'k', ts: i, features: [0], end: false })),
    targets.map((t) => (typeof t === 'number' ? [t] : t)),
  );

describe('tick targets', () => {
  it('next_logret at step t is the log return of the key\'s next tick; the last tick has none', () => {
    const recs = ticks([100, 110, 99]);
    const { values, has } = keyTargets(recs, targetShape('next_logret', [recs], 0), []);
    expect(Array.from(has)).toEqual([1, 1, 0]);
    expect(values[0]).toBeCloseTo(Math.log(1.1), 15);
    expect(values[1]).toBeCloseTo(Math.log(0.9), 15);
  });

  it('next_abs_logret is the absolute next log return', () => {
    const recs = ticks([100, 90, 99]);
    const { values } = keyTargets(recs, targetShape('next_abs_logret', [recs], 0), []);
    expect(values[0]).toBeCloseTo(Math.log(10 / 9), 15);
    expect(values[1]).toBeCloseTo(Math.log(1.1), 15);
  });

  it('next_direction has three classes, flat within the threshold (inclusive)', () => {
    const recs = ticks([100, 101, 101, 100.99, 90, 90.5]);
    const shape = targetShape('next_direction', [recs], 0.001);
    expect(shape.outputSize).toBe(3);
    const { values, has } = keyTargets(recs, shape, []);
    // up 1%, unchanged, -0.01% (within 0.1%), down 10%, up 0.55%
    expect(Array.from(values)).toEqual([2, 1, 1, 0, 2, 0]);
    expect(Array.from(has)).toEqual([1, 1, 1, 1, 1, 0]);
    expect(directionClass(0.001, 0.001)).toBe(1);
    expect(directionClass(-0.0011, 0.001)).toBe(0);
    expect(directionClass(0, 0)).toBe(1);
  });
});

describe('vector targets', () => {
  it('value: numbers or arrays of the first target\'s width; steps without a target are unmasked', () => {
    const recs = vectors([[1, 2], undefined, [3, 4], [5], 'unusable', [6, 7, 8]]);
    const shape = targetShape('value', [recs], 0);
    expect(shape).toMatchObject({ width: 2, outputSize: 2 });
    const issues: TargetIssue[] = [];
    const { values, has } = keyTargets(recs, shape, issues);
    expect(Array.from(has)).toEqual([1, 0, 1, 0, 0, 0]);
    expect(Array.from(values.slice(0, 6))).toEqual([1, 2, 0, 0, 3, 4]);
    // Step 5's unusable target was reported when it was read: only the width mismatches are new.
    expect(issues.map((i) => i.at.pos)).toEqual([4, 6]);
    expect(issues[0].detail).toMatch(/array of 2 numbers/);
  });

  it('class: integer indices, as many classes as the largest index + 1 unless given', () => {
    const recs = vectors([0, 2, 1, 1.5, -1]);
    expect(targetShape('class', [recs], 0, undefined, true).outputSize).toBe(3);
    const shape = targetShape('class', [recs], 0, 5, true);
    expect(shape).toMatchObject({ width: 1, outputSize: 5 });
    const issues: TargetIssue[] = [];
    const { values, has } = keyTargets(recs, shape, issues);
    expect(Array.from(has)).toEqual([1, 1, 1, 0, 0]);
    expect(Array.from(values.slice(0, 3))).toEqual([0, 2, 1]);
    expect(issues.map((i) => i.at.pos)).toEqual([4, 5]);
  });

  it('class: an index not below the number of classes is an unusable target', () => {
    const recs = vectors([0, 1, 3]);
    const issues: TargetIssue[] = [];
    keyTargets(recs, targetShape('class', [recs], 0, 2), issues);
    expect(issues).toEqual([{ at: { partition: -1, pos: 3 }, detail: expect.stringMatching(/class 3 is not below the number of classes \(2\)/) }]);
  });

  it('class: refuses a continuous target (non-integer values) unless told to skip them', () => {
    const recs = vectors([0.25, 1, 0.5, 2]);
    expect(() => targetShape('class', [recs], 0)).toThrow(
      'target "class" needs integer class indices, but 2 of 4 targets are not integers (e.g. 0.25): the target looks continuous; use --target value, or --allow-continuous-class to skip those steps',
    );
    expect(targetShape('class', [recs], 0, undefined, true).outputSize).toBe(3);
  });

  it('refuses a target kind the events cannot provide', () => {
    expect(() => targetShape('value', [vectors([undefined, 'unusable'])], 0)).toThrow(DatasetError);
    expect(() => targetShape('class', [vectors([0, 0])], 0)).toThrow(/at least two classes/);
  });
});
