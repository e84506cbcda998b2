/**
 * A real Prometheus (Debian's `prometheus` package) for the integration tests: own temp dir,
 * own free port, scraping the given targets every second with the repository's recording and
 * alert rules loaded. Stopped (and its data removed) by `stop()`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { waitFor } from './pipeline-fixture.js';

/** One sample of an instant query: its labels and value (NaN and ±Inf as numbers). */
export interface PromSample {
  readonly labels: Record<string, string>;
  readonly value: number;
}

export interface PrometheusServer {
  readonly url: string;
  /** Runs an instant query; throws on a query error. */
  query(expr: string): Promise<PromSample[]>;
  stop(): Promise<void>;
}

/** A free TCP port on 127.0.0.1 (taken from the kernel, then released). */
export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}

/** Starts Prometheus scraping `targets` as job `job`; resolves when it answers /-/ready. */
export async function startPrometheus(job: string, targets: readonly string[]): Promise<PrometheusServer> {
  const dir = await mkdtemp(join(tmpdir(), 'rnn-stream-prometheus-'));
  const port = await freePort();
  const config = {
    global: { scrape_interval: '1s', evaluation_interval: '1s' },
    rule_files: [resolve('deploy/prometheus/rules/recording.yml'), resolve('deploy/prometheus/rules/alerts.yml')],
    scrape_configs: [{ job_name: job, scrape_interval: '1s', static_configs: [{ targets: [...targets] }] }],
  };
  await writeFile(join(dir, 'prometheus.yml'), stringify(config));
  let log = '';
  const child: ChildProcess = spawn(
    'prometheus',
    [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout?.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(`Prometheus ready on ${url}`, async () => {
      if (child.exitCode !== null) throw new Error(`prometheus exited with ${child.exitCode}:\n${log}`);
      return fetch(`${url}/-/ready`).then((r) => r.ok, () => false);
    }, 60_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    url,
    async query(expr) {
      const response = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(expr)}`);
      const body = (await response.json()) as { status: string; error?: string; data?: { resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] } };
      if (body.status !== 'success' || !body.data) throw new Error(`query failed: ${expr}: ${body.error ?? response.status}`);
      if (body.data.resultType === 'scalar') {
        const [, v] = body.data.result as unknown as [number, string];
        return [{ labels: {}, value: Number(v) }];
      }
      return body.data.result.map((r) => ({ labels: r.metric, value: Number(r.value[1]) }));
    },
    stop,
  };
}
