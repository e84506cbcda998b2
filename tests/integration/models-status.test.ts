import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { formatModelsStatus, modelsStatus, scoresFromMetrics } from '../../src/cli/commands/models-status.js';
import { loadConfig } from '../../src/config/load-config.js';
import { loadModel } from '../../src/model/load-model.js';
import { FilesystemRegistry } from '../../src/registry/filesystem-registry.js';
import { LiveModels } from '../../src/runtime/live-models.js';
import { ModelRuntime } from '../../src/runtime/model-runtime.js';
import { publishLiveStatus } from '../../src/service/live-status.js';
import { savedModel } from '../registry/registry-contract.js';
import { integrationServices, skipIntegration, uniqueName } from './services.js';

const METRICS = (champion: string, shadow: string) => `# HELP rnn_stream_live_mse x
rnn_stream_live_mse{model_version="${champion}"} 0.25
rnn_stream_live_mse{model_version="${shadow}"} 0.5
rnn_stream_live_skill{model_version="${champion}",baseline="last_value"} 0.1
rnn_stream_live_model_info{role="champion",model_version="${champion}"} 1
rnn_stream_events_total 9
`;

describe.skipIf(skipIntegration)('rnn-stream models status on a real Redis', () => {
  it("shows the registry's champion and shadows, what each worker runs, and each live model's series from its /metrics", async () => {
    const services = await integrationServices();
    const prefix = uniqueName('it-status');
    const dir = await mkdtemp(join(tmpdir(), `${prefix}-`));
    const config = await loadConfig({ env: {}, sets: [`redis.url=${services.redisUrl}`, `redis.keyPrefix=${prefix}`, `registry.directory=${join(dir, 'registry')}`, 'kafka.groupId=g1'] });
    const registry = new FilesystemRegistry({ directory: join(dir, 'registry') });
    const a = (await registry.register(await savedModel(41))).info.version;
    const b = (await registry.register(await savedModel(42))).info.version;
    await registry.promote(a, 'first');
    await registry.addShadow(b, 'try');
    const server = createServer((_req, res) => res.end(METRICS(a, b)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const redis = new Redis(services.redisUrl);
    try {
      const runtime = async (v: string) => new ModelRuntime(await loadModel(await registry.open(v)));
      const models = new LiveModels(await runtime(a), [await runtime(b)]);
      const publish = publishLiveStatus({ redis, keyPrefix: prefix, group: 'g1', models, metricsUrl: url, assigned: () => [0, 2], registryChampion: () => a, ttlMs: 60_000 }, 'worker-1');
      expect(await publish()).toBeNull();
      const status = await modelsStatus(config, registry, { timeoutMs: 2000 });
      expect(status.registry).toEqual({ champion: a, shadows: [b] });
      expect(status.workers).toMatchObject([{ instance: 'worker-1', group: 'g1', champion: a, shadows: [b], partitions: [0, 2], registryChampion: null }]);
      expect(status.scores['worker-1']).toEqual({ [a]: ['rnn_stream_live_mse 0.25', 'rnn_stream_live_skill{baseline="last_value"} 0.1'], [b]: ['rnn_stream_live_mse 0.5'] });
      const text = formatModelsStatus(status);
      expect(text).toContain(`registry: champion ${a}; shadows ${b}`);
      expect(text).toContain(`  shadow ${b}: \n    rnn_stream_live_mse 0.5`);
      // A worker whose /metrics does not answer is reported, not fatal.
      await new Promise<void>((resolve) => server.close(() => resolve()));
      const down = await modelsStatus(config, registry, { timeoutMs: 500 });
      expect(formatModelsStatus(down)).toContain(`cannot read ${url}/metrics`);
    } finally {
      server.close();
      await redis.del(`${prefix}:live:g1:worker-1`);
      redis.disconnect();
    }
  });

  it('reads only model_version series, with their other labels', () => {
    expect(Object.fromEntries(scoresFromMetrics('x_total 1\ny{model_version="v",a="b"} 2\n# y{model_version="v"} 3\n'))).toEqual({ v: ['y{a="b"} 2'] });
  });
});
