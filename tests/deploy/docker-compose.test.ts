import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it, beforeAll } from 'vitest';
import { parse } from 'yaml';
import { requireTool, runTool, skipWithoutTool } from './system-tool.js';

interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }> | string[];
}

const compose = parse(readFileSync('docker-compose.yml', 'utf-8')) as { services: Record<string, Service>; volumes: Record<string, unknown> };
const { services } = compose;

describe.skipIf(skipWithoutTool('docker-compose'))('docker-compose.yml validated by docker-compose', () => {
  beforeAll(() => requireTool('docker-compose', 'docker-compose'));

  it('is a valid Compose file (docker-compose config, offline)', () => {
    expect(runTool('docker-compose', ['-f', 'docker-compose.yml', 'config', '--quiet'])).toBe('');
    const services = runTool('docker-compose', ['-f', 'docker-compose.yml', 'config', '--services']).trim().split('\n').sort();
    expect(services).toEqual(['grafana', 'kafka', 'pipeline', 'prometheus', 'redis', 'simulator']);
  });
});

describe('docker-compose.yml', () => {
  it('runs Kafka in KRaft mode from the official image', () => {
    expect(services.kafka.image).toMatch(/^apache\/kafka:\d/);
    expect(services.kafka.environment?.KAFKA_PROCESS_ROLES).toBe('broker,controller');
    expect(services.kafka.healthcheck?.test.join(' ')).toContain('kafka-broker-api-versions');
  });

  it('runs Redis with the append-only file on a volume', () => {
    expect(services.redis.command?.join(' ')).toContain('--appendonly yes');
    expect(services.redis.volumes?.some((v) => v.endsWith(':/data'))).toBe(true);
  });

  it('builds the pipeline from the Dockerfile and points it at Kafka, Redis and a model that exist', () => {
    expect(services.pipeline.build).toBe('.');
    expect(services.pipeline.command?.[0]).toBe('run');
    const env = services.pipeline.environment ?? {};
    expect(env.RNN_STREAM_KAFKA_BROKERS).toBe('kafka:9092');
    expect(env.RNN_STREAM_REDIS_URL).toBe('redis://redis:6379');
    expect(existsSync(env.RNN_STREAM_MODEL_MANIFEST.replace(/^\/app\//, ''))).toBe(true);
    expect(services.pipeline.depends_on).toMatchObject({ kafka: { condition: 'service_healthy' }, redis: { condition: 'service_healthy' } });
  });

  it('feeds the input with the simulator of the same image', () => {
    expect(services.simulator.image).toBe(services.pipeline.image);
    expect(services.simulator.command?.[0]).toBe('simulate');
  });

  it('mounts the Prometheus rules and the Grafana provisioning and dashboard that are in the repository', () => {
    const mounts = [...(services.prometheus.volumes ?? []), ...(services.grafana.volumes ?? [])].filter((v) => v.startsWith('./'));
    expect(mounts.length).toBe(3);
    for (const m of mounts) expect(existsSync(m.split(':')[0]), m).toBe(true);
    const prometheusConfig = readFileSync('deploy/prometheus/prometheus.yml', 'utf-8');
    expect(prometheusConfig).toContain('pipeline:9464');
    const provider = parse(readFileSync('deploy/grafana/provisioning/dashboards/rnn-stream.yml', 'utf-8')) as { providers: { options: { path: string } }[] };
    const dashboardsMount = (services.grafana.volumes ?? []).find((v) => v.startsWith('./deploy/grafana/dashboards:'));
    expect(dashboardsMount?.split(':')[1]).toBe(provider.providers[0].options.path);
    expect(existsSync('deploy/grafana/dashboards/rnn-stream.json')).toBe(true);
  });
});
