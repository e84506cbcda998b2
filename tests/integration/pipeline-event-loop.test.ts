import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorld, produceInput, saveTestModel, ticks, waitFor, worldConfig, type TestWorld } from './pipeline-fixture.js';
import { integrationServices, skipIntegration, type IntegrationServices } from './services.js';

// Large enough that the backlog outlasts a sub-batch per partition after a third of it is applied
// (SIGTERM must land mid-backlog), at the WebAssembly stepper's speed.
const EVENTS = 30_000;
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** GET `url`; resolves with the status code (no time limit asserted: the machine is shared). */
function status(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

describe.skipIf(skipIntegration)('pipeline on real Kafka and Redis: a slow model does not starve the service', () => {
  let services: IntegrationServices;
  let world: TestWorld;
  let child: ChildProcess | undefined;
  const log: string[] = [];
  beforeAll(async () => {
    services = await integrationServices();
    world = await createWorld(services, 'eventloop');
  });
  afterAll(async () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await world?.cleanup();
    await services?.stop();
  });

  it('with an LSTM 256 x 2 and whole-megabyte fetches: stays in the group, answers /healthz while working, stops on SIGTERM within the bound', async () => {
    // Before time-sliced batches, one fetch of this backlog was seconds of model work without a
    // heartbeat, past the 6 s session: the member was evicted and the batch fetched again.
    const loaded = await saveTestModel(world.dir, 'tick', { cell: 'lstm', hidden: 256 });
    const { file } = await worldConfig(world, loaded.manifestPath, {
      kafka: { maxBytesPerPartition: 1_048_576, sessionTimeoutMs: 6000, heartbeatIntervalMs: 1000 },
      shutdown: { gracefulTimeoutMs: 30_000 },
      logging: { level: 'info' },
    });
    await produceInput(world, ticks(EVENTS, 25, 17));
    const wmKeys = [0, 1, 2].map((p) => `${world.prefix}:{${world.input}:${p}}:wm`);
    const applied = async (): Promise<number> => {
      const values = await world.redis.mget(...wmKeys);
      return values.reduce((sum, v) => sum + (v === null ? 0 : Number(v) + 1), 0);
    };

    child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/bin.ts', 'run', '--config', file], {
      cwd: ROOT,
      env: { ...process.env, KAFKAJS_NO_PARTITIONER_WARNING: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (d: Buffer) => log.push(d.toString()));
    child.stderr?.on('data', (d: Buffer) => log.push(d.toString()));
    const exited = once(child, 'exit') as Promise<[number | null, string | null]>;
    const lines = (): string[] => log.join('').split('\n');
    try {
      let url = '';
      await waitFor('the metrics server', () => {
        const line = lines().find((l) => l.includes('"metrics server listening"'));
        if (line) url = (JSON.parse(line) as { url: string }).url;
        return url !== '';
      });
      await waitFor('the first applied batch', async () => (await applied()) > 0, 180_000);

      // /healthz is asked back to back while the backlog is worked on; every answer is counted
      // together with the progress seen right after it.
      const answers: { status: number; appliedAfter: number }[] = [];
      while (answers.length < 5) {
        const code = await status(`${url}/healthz`);
        answers.push({ status: code, appliedAfter: await applied() });
        await sleep(200);
      }
      await waitFor('a third of the backlog applied', async () => (await applied()) >= EVENTS / 3, 240_000);
      const beforeStop = await applied();
      child.kill('SIGTERM');
      const [code] = await exited;
      const afterStop = await applied();

      expect(answers.every((a) => a.status === 200)).toBe(true);
      // The answers came while the backlog was still being worked on.
      expect(answers[answers.length - 1].appliedAfter).toBeLessThan(EVENTS);
      // Exit code 0: the stop finished within shutdown.gracefulTimeoutMs (past it the service exits with 1).
      expect(code).toBe(0);
      // SIGTERM came in the middle of the backlog and the service stopped without finishing it.
      expect(beforeStop).toBeLessThan(EVENTS);
      expect(afterStop).toBeLessThan(EVENTS);
      // A lone member that was never evicted joined the group once, and no batch failed.
      expect(lines().filter((l) => l.includes('"partitions assigned"'))).toHaveLength(1);
      expect(lines().filter((l) => l.includes('batch failed'))).toEqual([]);
      process.stderr.write(`event loop: ${answers.length} /healthz answers during the backlog; applied ${beforeStop} at SIGTERM, ${afterStop} at exit, of ${EVENTS}\n`);
    } catch (error) {
      process.stderr.write(`service output:\n${log.join('').slice(-6000)}\n`);
      throw error;
    }
  }, 420_000);
});
