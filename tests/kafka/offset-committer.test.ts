import { afterEach, describe, expect, it, vi } from 'vitest';
import { OffsetCommitter, type PartitionCommit } from '../../src/kafka/offset-committer.js';

/** A committer whose commits are recorded (and can be made to fail or wait). */
function recorder() {
  const commits: PartitionCommit[][] = [];
  const errors: unknown[] = [];
  let failNext: Error | null = null;
  let gate: Promise<void> | null = null;
  const committer = new OffsetCommitter({
    intervalMs: 1000,
    commit: async (offsets) => {
      if (gate) await gate;
      if (failNext) {
        const e = failNext;
        failNext = null;
        throw e;
      }
      commits.push([...offsets]);
    },
    onError: (e) => errors.push(e),
  });
  return {
    committer,
    commits,
    errors,
    failNext: (e: Error) => void (failNext = e),
    hold: () => {
      let open!: () => void;
      gate = new Promise<void>((r) => (open = r));
      return () => {
        gate = null;
        open();
      };
    },
  };
}

/** Lets queued promise callbacks run (a commit that was asked for starts). */
const settle = () => new Promise<void>((r) => setImmediate(r));

describe('OffsetCommitter', () => {
  afterEach(() => void vi.useRealTimers());

  it('commits, per partition, the offset after the last handled message, once', async () => {
    const r = recorder();
    r.committer.handled(0, '41');
    r.committer.handled(2, '9');
    r.committer.handled(0, '99');
    await r.committer.flush();
    await r.committer.flush();
    expect(r.commits).toEqual([[{ partition: 0, offset: '100' }, { partition: 2, offset: '10' }]]);
  });

  it('keeps offsets beyond 2^53 exact', async () => {
    const r = recorder();
    r.committer.handled(1, '9007199254740993');
    await r.committer.flush();
    expect(r.commits).toEqual([[{ partition: 1, offset: '9007199254740994' }]]);
  });

  it('sends nothing when nothing was handled since the last commit', async () => {
    const r = recorder();
    await r.committer.flush();
    r.committer.handled(0, '1');
    await r.committer.flush();
    await r.committer.flush();
    expect(r.commits).toHaveLength(1);
  });

  it('keeps the offsets of a failed commit for the next one, unless a newer offset came meanwhile', async () => {
    const r = recorder();
    r.committer.handled(0, '10');
    r.committer.handled(1, '20');
    r.failNext(new Error('coordinator moved'));
    const release = r.hold();
    const failing = r.committer.flush();
    await settle();
    r.committer.handled(1, '25');
    release();
    await failing;
    expect(r.errors).toHaveLength(1);
    await r.committer.flush();
    expect(r.commits).toEqual([[{ partition: 1, offset: '26' }, { partition: 0, offset: '11' }]]);
  });

  it('does not bring back offsets of a failed commit that were forgotten meanwhile', async () => {
    const r = recorder();
    r.committer.handled(0, '10');
    r.failNext(new Error('rebalance'));
    const release = r.hold();
    const failing = r.committer.flush();
    await settle();
    r.committer.forget(0);
    release();
    await failing;
    await r.committer.flush();
    expect(r.commits).toEqual([]);
  });

  it('sends one commit at a time, in the order asked for (what is handled before a commit starts goes with it)', async () => {
    const order: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const committer = new OffsetCommitter({
      intervalMs: 1000,
      commit: async (offsets) => {
        order.push(`start ${offsets[0].offset}`);
        if (offsets[0].offset === '2') await gate;
        order.push(`end ${offsets[0].offset}`);
      },
      onError: () => undefined,
    });
    committer.handled(0, '1');
    const first = committer.flush();
    await settle();
    committer.handled(0, '4');
    const second = committer.flush();
    await settle();
    expect(order).toEqual(['start 2']);
    release();
    await Promise.all([first, second]);
    expect(order).toEqual(['start 2', 'end 2', 'start 5', 'end 5']);
  });

  it('sends what was handled up to the moment a commit starts', async () => {
    const r = recorder();
    r.committer.handled(0, '1');
    const flushed = r.committer.flush();
    r.committer.handled(0, '2');
    await flushed;
    expect(r.commits).toEqual([[{ partition: 0, offset: '3' }]]);
  });

  it('forgets a sought partition and drops partitions no longer assigned', async () => {
    const r = recorder();
    for (const p of [0, 1, 2, 3]) r.committer.handled(p, '5');
    r.committer.forget(1);
    r.committer.retain([0, 1, 3]);
    await r.committer.flush();
    expect(r.commits).toEqual([[{ partition: 0, offset: '6' }, { partition: 3, offset: '6' }]]);
  });

  it('commits from its timer every interval while started', async () => {
    vi.useFakeTimers();
    const r = recorder();
    r.committer.start();
    r.committer.handled(0, '7');
    await vi.advanceTimersByTimeAsync(999);
    expect(r.commits).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(r.commits).toEqual([[{ partition: 0, offset: '8' }]]);
    r.committer.handled(0, '8');
    await vi.advanceTimersByTimeAsync(1000);
    expect(r.commits).toHaveLength(2);
    r.committer.close();
    r.committer.handled(0, '9');
    await vi.advanceTimersByTimeAsync(5000);
    expect(r.commits).toHaveLength(2);
  });

  it('on stop, commits what was handled, reports stopping and stops its timer', async () => {
    vi.useFakeTimers();
    const r = recorder();
    r.committer.start();
    r.committer.handled(2, '3');
    expect(r.committer.stopping).toBe(false);
    await r.committer.stop();
    expect(r.committer.stopping).toBe(true);
    expect(r.commits).toEqual([[{ partition: 2, offset: '4' }]]);
    r.committer.handled(2, '4');
    await vi.advanceTimersByTimeAsync(5000);
    expect(r.commits).toHaveLength(1);
  });

  it('flushes through another commit function when given one', async () => {
    const r = recorder();
    const other: PartitionCommit[][] = [];
    r.committer.handled(0, '1');
    await r.committer.flush(async (offsets) => void other.push([...offsets]));
    expect(other).toEqual([[{ partition: 0, offset: '2' }]]);
    expect(r.commits).toEqual([]);
  });

  it('refuses an interval that is not a positive integer', () => {
    for (const intervalMs of [0, -1, 1.5, NaN]) {
      expect(() => new OffsetCommitter({ intervalMs, commit: async () => undefined, onError: () => undefined })).toThrow(RangeError);
    }
  });
});
