import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { RnnStreamError } from '../errors/rnn-stream-error.js';
import type { ComponentStatus, ReadinessCheck } from './readiness.js';

/** Options of {@link startMetricsServer}. */
export interface MetricsServerOptions {
  readonly registry: Registry;
  /** Interface to listen on (default 127.0.0.1; 0.0.0.0 in containers). */
  readonly host?: string;
  /** TCP port (default 9464; 0 picks a free one, for tests). */
  readonly port?: number;
  /** Decides /readyz; without it /readyz answers like /healthz. */
  readonly readiness?: ReadinessCheck;
  /** A readiness check slower than this counts as not ready (default 2000 ms). */
  readonly readinessTimeoutMs?: number;
  /** Connections open at once (default 64); one more is closed as soon as it is accepted. */
  readonly maxConnections?: number;
}

/** A listening metrics server. */
export interface MetricsServer {
  /** Base URL, e.g. http://127.0.0.1:9464. */
  readonly url: string;
  readonly port: number;
  /** Stops listening and closes open connections; resolves when the server is closed. */
  close(): Promise<void>;
}

/**
 * Serves GET /metrics (the registry, in its content type), /healthz (200 while the process runs)
 * and /readyz (200 when every component of the readiness check is ready, else 503 with a JSON
 * body listing what is not). Other paths: 404; other methods: 405.
 */
export async function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  const host = options.host ?? '127.0.0.1';
  const server = createServer((req, res) => {
    handle(req, res, options).catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', `internal error: ${String(error)}\n`);
      else res.destroy(error instanceof Error ? error : new Error(String(error)));
    });
  });
  // Bounds what idle or slow clients can hold: sockets past the cap are destroyed on accept.
  server.maxConnections = options.maxConnections ?? 64;
  await listen(server, host, options.port ?? 9464);
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void =>
      reject(new RnnStreamError(`metrics server cannot listen on ${host}:${port}: ${error.message}`, { cause: error }));
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

async function handle(req: IncomingMessage, res: ServerResponse, options: MetricsServerOptions): Promise<void> {
  const path = (req.url ?? '/').split('?')[0];
  if (path !== '/metrics' && path !== '/healthz' && path !== '/readyz') {
    send(res, 404, 'text/plain; charset=utf-8', 'not found: try /metrics, /healthz or /readyz\n');
    return;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('allow', 'GET, HEAD');
    send(res, 405, 'text/plain; charset=utf-8', 'method not allowed\n');
    return;
  }
  if (path === '/metrics') {
    send(res, 200, options.registry.contentType, await options.registry.metrics());
  } else if (path === '/healthz') {
    send(res, 200, 'application/json', '{"status":"ok"}\n');
  } else {
    const components = await checkReadiness(options);
    const notReady = components.filter((c) => !c.ready).map((c) => c.name);
    const body = JSON.stringify({ ready: notReady.length === 0, notReady, components });
    send(res, notReady.length === 0 ? 200 : 503, 'application/json', `${body}\n`);
  }
}

async function checkReadiness(options: MetricsServerOptions): Promise<readonly ComponentStatus[]> {
  if (!options.readiness) return [];
  const timeoutMs = options.readinessTimeoutMs ?? 2000;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<readonly ComponentStatus[]>((resolve) => {
    timer = setTimeout(() => resolve([{ name: 'readiness', ready: false, detail: `check took longer than ${timeoutMs} ms` }]), timeoutMs);
  });
  try {
    const components = await Promise.race([options.readiness(), timeout]);
    return components.length > 0 ? components : [{ name: 'readiness', ready: false, detail: 'the check reported no component' }];
  } catch (error) {
    return [{ name: 'readiness', ready: false, detail: `check failed: ${error instanceof Error ? error.message : String(error)}` }];
  } finally {
    clearTimeout(timer);
  }
}

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store' });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}
