import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../../src/config/load-config.js';
import { ENV_OVERRIDES } from '../../src/config/env-overrides.js';
import { manifestFiles, parseManifests, validateFiles, validateManifest, type Manifest } from '../../deploy/k8s/validate-manifests.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- manifests are walked as plain YAML data */

const { manifests, problems } = validateFiles(manifestFiles());
const one = (kind: string): any => {
  const found = manifests.filter((m) => m.kind === kind);
  expect(found.map((m) => m.name), kind).toHaveLength(1);
  return found[0].body;
};
const deployment = one('Deployment');
const pod = deployment.spec.template.spec;
const container = pod.containers[0];
const configText: string = one('ConfigMap').data['config.yaml'];
const config = parse(configText);
const podLabels: Record<string, string> = deployment.spec.template.metadata.labels;
const selects = (selector: Record<string, string>): boolean =>
  Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => podLabels[k] === v);

/** A copy of the named document with `edit` applied to its body. */
function broken(kind: string, edit: (body: any) => void): Manifest {
  const m = manifests.find((x) => x.kind === kind)!;
  const body = structuredClone(m.body);
  edit(body);
  return { ...m, body };
}

/** Parses a CPU quantity ("250m", "1") into cores, a memory quantity ("256Mi") into bytes. */
function quantity(q: string): number {
  const m = /^(\d+(?:\.\d+)?)(m|Ki|Mi|Gi)?$/.exec(q);
  if (!m) throw new Error(`unsupported quantity ${q}`);
  const scale = { m: 1e-3, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30 }[m[2] as string] ?? 1;
  return Number(m[1]) * scale;
}

describe('deploy/k8s manifests against the Kubernetes, KEDA and Prometheus Operator schemas (offline)', () => {
  it('every document is valid for its kind', () => {
    expect(problems).toEqual([]);
    expect(manifests.map((m) => m.kind).sort()).toEqual(
      ['ConfigMap', 'Deployment', 'PodDisruptionBudget', 'ScaledObject', 'Service', 'ServiceAccount', 'ServiceMonitor', 'TriggerAuthentication'].sort(),
    );
  });

  it('reports broken manifests (the check can fail)', () => {
    const cases: [string, (b: any) => void, RegExp][] = [
      ['Deployment', (b) => (b.spec.replicas = 'two'), /replicas must be integer/],
      ['Deployment', (b) => delete b.spec.template.spec.containers[0].name, /required property name/],
      ['Deployment', (b) => (b.spec.template.spec.containers[0].readinessProbe.periodSeconds = '10s'), /periodSeconds must be integer/],
      ['Service', (b) => (b.spec.ports[0].protocol = 'TCPX'), /protocol must be equal to one of the allowed values/],
      ['PodDisruptionBudget', (b) => (b.spec.selector = 'app=rnn-stream'), /selector must be object/],
      ['ScaledObject', (b) => (b.spec.triggers[0].metadata.lagThreshold = 5000), /lagThreshold must be string/],
      ['ScaledObject', (b) => delete b.spec.scaleTargetRef, /required property scaleTargetRef/],
      ['ServiceMonitor', (b) => (b.spec.endpoints[0].interval = '15 seconds'), /interval must match pattern/],
    ];
    for (const [kind, edit, message] of cases) {
      const found = validateManifest(broken(kind, edit));
      expect(found.join('\n'), kind).toMatch(message);
    }
    expect(validateManifest({ ...manifests[0], apiVersion: 'v1', kind: 'Pod' })[0]).toMatch(/no schema for apiVersion v1 kind Pod/);
    expect(() => parseManifests('a: [1,\n', 'bad.yaml')).toThrow(/bad\.yaml/);
  });
});

describe('deploy/k8s manifests fit the service and each other', () => {
  it('the ConfigMap holds a configuration the service accepts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rnn-k8s-'));
    try {
      const file = join(dir, 'config.yaml');
      writeFileSync(file, configText);
      const loaded = await loadConfig({
        file,
        env: { RNN_STREAM_KAFKA_SASL_USERNAME: 'u', RNN_STREAM_KAFKA_SASL_PASSWORD: 'p', RNN_STREAM_REDIS_USERNAME: 'u', RNN_STREAM_REDIS_PASSWORD: 'p' },
      });
      expect(loaded.metrics.host).toBe('0.0.0.0');
      expect(loaded.kafka.topics.create).toBe(false);
      // The model the ConfigMap names is in the image (the Dockerfile copies examples/models to /app).
      expect(existsSync(loaded.model.manifest!.replace(/^\/app\//, ''))).toBe(true);
      expect(readFileSync('Dockerfile', 'utf-8')).toMatch(/^COPY examples\/models \.\/examples\/models$/m);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the pod runs the image entrypoint with the mounted configuration and takes secrets from the environment only', () => {
    expect(readFileSync('Dockerfile', 'utf-8')).toMatch(/^ENTRYPOINT \["node", "bin\/rnn-stream\.js"\]$/m);
    expect(container.args.slice(0, 2)).toEqual(['run', '--config']);
    const mount = container.volumeMounts.find((v: any) => v.name === 'config');
    expect(container.args[2]).toBe(`${mount.mountPath}/config.yaml`);
    expect(pod.volumes.find((v: any) => v.name === 'config').configMap.name).toBe(one('ConfigMap').metadata.name);
    const known = new Set(['NODE_ENV', ...ENV_OVERRIDES.map((o) => o.name)]);
    for (const e of container.env) expect(known.has(e.name), e.name).toBe(true);
    const secretRefs = container.env.filter((e: any) => e.valueFrom?.secretKeyRef).map((e: any) => e.valueFrom.secretKeyRef);
    expect(new Set(secretRefs.map((r: any) => r.name)).size).toBe(1);
    expect(container.env.filter((e: any) => /PASSWORD/.test(e.name)).every((e: any) => e.valueFrom?.secretKeyRef)).toBe(true);
    expect(configText).not.toMatch(/password/i);
    const auth = one('TriggerAuthentication');
    for (const ref of auth.spec.secretTargetRef) {
      expect(secretRefs.some((r: any) => r.name === ref.name && r.key === ref.key), ref.key).toBe(true);
    }
  });

  it('probes hit the service endpoints on the metrics port the configuration and the Dockerfile name', () => {
    const port = container.ports.find((p: any) => p.name === 'metrics');
    expect(port.containerPort).toBe(config.metrics.port);
    expect(readFileSync('Dockerfile', 'utf-8')).toMatch(new RegExp(`^EXPOSE ${config.metrics.port}$`, 'm'));
    expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'metrics' });
    expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'metrics' });
    expect(container.startupProbe.httpGet).toEqual({ path: '/healthz', port: 'metrics' });
    // A graceful stop (shutdown.gracefulTimeoutMs) ends before the kubelet's SIGKILL.
    expect(pod.terminationGracePeriodSeconds * 1000).toBeGreaterThan(config.shutdown.gracefulTimeoutMs);
  });

  it('runs unprivileged as the image user, read-only, with requests within limits', () => {
    expect(readFileSync('Dockerfile', 'utf-8')).toMatch(/^USER node$/m); // uid 1000 in the node images
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
    expect(container.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    const { requests, limits } = container.resources;
    expect(quantity(requests.cpu)).toBeLessThanOrEqual(quantity(limits.cpu));
    expect(quantity(requests.memory)).toBeLessThanOrEqual(quantity(limits.memory));
  });

  it('the Service, ServiceMonitor and PodDisruptionBudget select the Deployment pods', () => {
    expect(selects(deployment.spec.selector.matchLabels)).toBe(true);
    const service = one('Service');
    expect(selects(service.spec.selector)).toBe(true);
    expect(service.spec.ports.map((p: any) => p.targetPort)).toEqual(['metrics']);
    const monitor = one('ServiceMonitor');
    expect(Object.entries(monitor.spec.selector.matchLabels).every(([k, v]) => service.metadata.labels[k] === v)).toBe(true);
    expect(service.spec.ports.map((p: any) => p.name)).toContain(monitor.spec.endpoints[0].port);
    expect(selects(one('PodDisruptionBudget').spec.selector.matchLabels)).toBe(true);
    expect(pod.serviceAccountName).toBe(one('ServiceAccount').metadata.name);
  });

  it('autoscaling follows the group lag of the configured topic, at most one pod per input partition', () => {
    const scaled = one('ScaledObject');
    expect(scaled.spec.scaleTargetRef).toMatchObject({ kind: 'Deployment', name: deployment.metadata.name });
    expect(deployment.spec.replicas).toBeUndefined(); // left to the autoscaler
    const trigger = scaled.spec.triggers[0];
    expect(trigger.type).toBe('kafka');
    expect(trigger.metadata).toMatchObject({
      bootstrapServers: config.kafka.brokers.join(','),
      consumerGroup: config.kafka.groupId,
      topic: config.kafka.inputTopic,
      allowIdleConsumers: 'false',
      sasl: config.kafka.sasl.mechanism.replace(/-/g, '_').replace('_sha_', '_sha'),
      tls: config.kafka.ssl ? 'enable' : 'disable',
    });
    expect(Number(trigger.metadata.lagThreshold)).toBeGreaterThan(0);
    expect(trigger.authenticationRef.name).toBe(one('TriggerAuthentication').metadata.name);
    expect(scaled.spec.maxReplicaCount).toBeLessThanOrEqual(config.kafka.topics.partitions);
    expect(scaled.spec.minReplicaCount).toBeGreaterThanOrEqual(1);
  });
});
