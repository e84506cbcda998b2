/**
 * The chaos scenarios: which processes run and which faults hit them, at seeded random times.
 * Each fault is recorded (`ctx.fault`) and, once the system is whole again, its heal
 * (`ctx.healed`), from which the runner measures the recovery time. The next fault comes a seeded
 * random pause after the lag recovered (or 60 s passed), so one recovery is measured at a time.
 */
import type { SeededRandom } from './seeded-random.js';
import type { ScenarioContext } from './scenario-context.js';

export interface Scenario {
  readonly name: string;
  readonly description: string;
  /** `rnn-stream run` processes at the start. */
  readonly workers: number;
  /** Faults start at once, not after the pipeline is warm (every partition applied, lag low). */
  readonly startsCold?: boolean;
  /** Redis' appendfsync policy during the run. */
  readonly appendfsync: 'always' | 'everysec';
  /** Injects the faults; resolves when the last one healed. */
  readonly run: (ctx: ScenarioContext, rng: SeededRandom) => Promise<void>;
}

const pause = (ctx: ScenarioContext, rng: SeededRandom, lo = 1, hi = 4): Promise<void> => ctx.sleep(rng.uniform(lo, hi) * 1000);

async function sigkills(ctx: ScenarioContext, rng: SeededRandom, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    await pause(ctx, rng, 1, 3);
    const slot = rng.pick(ctx.pool.live());
    ctx.fault(`SIGKILL worker ${slot}`);
    await ctx.pool.signal(slot, 'SIGKILL');
    await ctx.sleep(rng.uniform(0.2, 1.5) * 1000);
    ctx.pool.start(slot);
    await ctx.healed();
  }
}

export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'sigkill-one',
    description: 'one process, SIGKILLed and restarted 10 times',
    workers: 1,
    appendfsync: 'always',
    run: (ctx, rng) => sigkills(ctx, rng, ctx.count(10, 3)),
  },
  {
    name: 'sigkill-three',
    description: 'three processes, 12 SIGKILLs of a random one, each restarted',
    workers: 3,
    appendfsync: 'always',
    run: (ctx, rng) => sigkills(ctx, rng, ctx.count(12, 3)),
  },
  {
    name: 'sigterm',
    description: 'two processes, 6 graceful restarts (SIGTERM) of a random one',
    workers: 2,
    appendfsync: 'always',
    run: async (ctx, rng) => {
      for (let i = 0; i < 6; i++) {
        await pause(ctx, rng);
        const slot = rng.pick(ctx.pool.live());
        ctx.fault(`SIGTERM worker ${slot}`);
        await ctx.pool.signal(slot, 'SIGTERM');
        ctx.pool.start(slot);
        await ctx.healed();
      }
    },
  },
  {
    name: 'zombie',
    description: 'two processes; one SIGSTOPped past the session timeout, then SIGCONT mid-batch (twice)',
    workers: 2,
    appendfsync: 'always',
    run: async (ctx, rng) => {
      for (let i = 0; i < 2; i++) {
        await pause(ctx, rng, 2, 5);
        const slot = rng.pick(ctx.pool.live());
        ctx.fault(`SIGSTOP worker ${slot}`);
        await ctx.pool.signal(slot, 'SIGSTOP');
        await ctx.sleep(ctx.sessionTimeoutMs + rng.uniform(2, 5) * 1000);
        await ctx.pool.signal(slot, 'SIGCONT');
        await ctx.healed();
      }
    },
  },
  {
    name: 'scale',
    description: 'scale 1 -> 3 -> 1 processes while events flow',
    workers: 1,
    appendfsync: 'always',
    run: async (ctx, rng) => {
      await pause(ctx, rng, 3, 6);
      ctx.fault('scale 1 -> 3');
      ctx.pool.start(1);
      ctx.pool.start(2);
      await ctx.healed();
      await pause(ctx, rng, 3, 6);
      ctx.fault('scale 3 -> 1');
      await Promise.all([ctx.pool.signal(1, 'SIGTERM'), ctx.pool.signal(2, 'SIGTERM')]);
      await ctx.healed();
    },
  },
  {
    name: 'broker-kill',
    description: 'two processes; the Kafka broker killed with kill -9 and restarted (twice)',
    workers: 2,
    appendfsync: 'always',
    run: async (ctx, rng) => {
      for (let i = 0; i < 2; i++) {
        await pause(ctx, rng, 2, 5);
        ctx.fault('broker kill -9');
        ctx.services.killKafka();
        await ctx.sleep(rng.uniform(1, 4) * 1000);
        await ctx.services.up();
        await ctx.healed();
      }
    },
  },
  {
    name: 'redis-always',
    description: 'two processes; Redis (appendfsync always) killed with kill -9 and restarted (3 times)',
    workers: 2,
    appendfsync: 'always',
    run: async (ctx, rng) => {
      for (let i = 0; i < 3; i++) {
        await pause(ctx, rng, 2, 5);
        ctx.fault('redis kill -9');
        ctx.services.killRedis();
        await ctx.sleep(rng.uniform(0.5, 3) * 1000);
        await ctx.services.up();
        await ctx.services.setAppendFsync('always');
        await ctx.healed();
      }
    },
  },
  {
    name: 'redis-everysec',
    description:
      'two processes; Redis with appendfsync everysec killed with kill -9 right after the first batches were written and committed, ' +
      'its AOF cut back to before those writes, restarted; later a second kill losing the last second of writes',
    workers: 2,
    appendfsync: 'everysec',
    startsCold: true,
    run: async (ctx, rng) => {
      ctx.fault('redis kill -9, first writes lost');
      const cutTo = await ctx.firstWritesCommitted();
      ctx.services.killRedis();
      ctx.note(`AOF cut by ${ctx.services.truncateAppendFile(cutTo)} bytes (the partitions' first writes)`);
      await ctx.services.up();
      await ctx.services.setAppendFsync('everysec');
      await ctx.healed();
      await pause(ctx, rng, 3, 6);
      ctx.fault('redis kill -9, last second lost');
      const size = ctx.appendSizeAgo(1000);
      ctx.services.killRedis();
      ctx.note(`AOF cut by ${ctx.services.truncateAppendFile(size)} bytes (its last second)`);
      await ctx.services.up();
      await ctx.services.setAppendFsync('everysec');
      await ctx.healed();
    },
  },
  {
    name: 'tcp-drop',
    description: 'two processes; every TCP connection to Redis reset mid-script by the runner\'s proxy (6 times)',
    workers: 2,
    appendfsync: 'always',
    run: async (ctx, rng) => {
      for (let i = 0; i < ctx.count(6, 3); i++) {
        await pause(ctx, rng, 1, 4);
        ctx.fault('drop Redis connections');
        ctx.note(`reset ${ctx.proxy.dropAll()} sockets`);
        await ctx.healed();
      }
    },
  },
  {
    name: 'garbage',
    description: 'two processes; 5 bursts of 2,000 garbage messages (not UTF-8 JSON) among the events',
    workers: 2,
    appendfsync: 'always',
    run: async (ctx, rng) => {
      for (let i = 0; i < 5; i++) {
        await pause(ctx, rng, 1, 4);
        ctx.fault('garbage burst');
        await ctx.garbage(2000);
        await ctx.healed();
      }
    },
  },
];

/** The scenarios of the smoke run (short runs). */
export const SMOKE = ['sigkill-three', 'redis-everysec', 'tcp-drop'] as const;
