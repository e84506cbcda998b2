import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { createPipelineMetrics } from '../../src/metrics/pipeline-metrics.js';
import { startMetricsServer, type MetricsServer, type MetricsServerOptions } from '../../src/metrics/metrics-server.js';
import type { ComponentStatus } from '../../src/metrics/readiness.js';

describe('startMetricsServer', () => {
  let server: MetricsServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function start(options: Partial<MetricsServerOptions> = {}): Promise<{ url: string; registry: Registry }> {
    const registry = options.registry ?? new Registry();
    server = await startMetricsServer({ registry, port: 0, ...options });
    return { url: server.url, registry };
  }

  it('serves the registry on /metrics in its content type', async () => {
    const registry = new Registry();
    const metrics = createPipelineMetrics(registry, { defaultMetrics: false });
    metrics.predictions.inc(3);
    const { url } = await start({ registry });
    const res = await fetch(`${url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(registry.contentType);
    expect(await res.text()).toMatch(/^rnn_stream_predictions_total 3$/m);
  });

  it('answers /healthz with 200 and picks a free port when given port 0', async () => {
    const { url } = await start();
    expect(server?.port).toBeGreaterThan(0);
    const res = await fetch(`${url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('answers /readyz with 200 when every component is ready', async () => {
    const components: ComponentStatus[] = [
      { name: 'kafka', ready: true },
      { name: 'redis', ready: true },
      { name: 'partitions', ready: true, detail: '3 assigned' },
    ];
    const { url } = await start({ readiness: async () => components });
    const res = await fetch(`${url}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ready: true, notReady: [], components });
  });

  it('answers /readyz with 503 listing what is not ready', async () => {
    const { url } = await start({
      readiness: async () => [
        { name: 'kafka', ready: true },
        { name: 'redis', ready: false, detail: 'connect ECONNREFUSED 127.0.0.1:6379' },
        { name: 'partitions', ready: false, detail: 'none assigned' },
      ],
    });
    const res = await fetch(`${url}/readyz`);
    expect(res.status).toBe(503);
    const body = (await res.json()) as { ready: boolean; notReady: string[] };
    expect(body.ready).toBe(false);
    expect(body.notReady).toEqual(['redis', 'partitions']);
  });

  it('reports a failing or hanging readiness check as not ready', async () => {
    const { url } = await start({
      readiness: async () => {
        throw new Error('redis ping failed');
      },
    });
    const failed = await fetch(`${url}/readyz`);
    expect(failed.status).toBe(503);
    expect(JSON.stringify(await failed.json())).toContain('redis ping failed');
    await server?.close();
    const hanging = await start({ readiness: () => new Promise(() => undefined), readinessTimeoutMs: 20 });
    const res = await fetch(`${hanging.url}/readyz`);
    expect(res.status).toBe(503);
    expect(JSON.stringify(await res.json())).toContain('longer than 20 ms');
  });

  it('answers 404 for other paths and 405 for other methods', async () => {
    const { url } = await start();
    expect((await fetch(`${url}/nope`)).status).toBe(404);
    const post = await fetch(`${url}/metrics`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });

  it('stops accepting connections once closed, even with a keep-alive client', async () => {
    const { url } = await start();
    expect((await fetch(`${url}/healthz`, { headers: { connection: 'keep-alive' } })).status).toBe(200);
    await server?.close();
    server = undefined;
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  });

  it('fails to start with a typed error naming the address when the port is taken', async () => {
    const { url } = await start();
    const port = Number(new URL(url).port);
    await expect(startMetricsServer({ registry: new Registry(), port })).rejects.toThrow(new RegExp(`127.0.0.1:${port}`));
  });
});
