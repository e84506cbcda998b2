import { connect, type Socket } from 'node:net';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { cachedReadiness } from '../../src/metrics/cached-readiness.js';
import { startMetricsServer, type MetricsServer } from '../../src/metrics/metrics-server.js';
import type { ComponentStatus } from '../../src/metrics/readiness.js';

let server: MetricsServer | undefined;
const sockets: Socket[] = [];
afterEach(async () => {
  sockets.forEach((s) => s.destroy());
  sockets.length = 0;
  await server?.close();
  server = undefined;
});

function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
    sockets.push(s);
  });
}

describe('metrics server limits', () => {
  it('listens on 127.0.0.1 when no host is given', async () => {
    server = await startMetricsServer({ registry: new Registry(), port: 0 });
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
  });

  it('closes connections past maxConnections and keeps serving the others', async () => {
    server = await startMetricsServer({ registry: new Registry(), port: 0, maxConnections: 2 });
    const first = await open(server.port);
    await open(server.port);
    const third = await open(server.port);
    // The server destroys the socket past the cap as soon as it accepts it: the client sees the end.
    await new Promise<void>((resolve) => third.once('close', () => resolve()));
    first.write('GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    const reply = await new Promise<string>((resolve) => {
      let text = '';
      first.on('data', (d: Buffer) => (text += d.toString()));
      first.once('end', () => resolve(text));
    });
    expect(reply).toMatch(/^HTTP\/1\.1 200/);
  });

  it('runs the readiness check once per interval however often /readyz is asked', async () => {
    let calls = 0;
    let clock = 0;
    const check = async (): Promise<readonly ComponentStatus[]> => {
      calls++;
      return [{ name: 'redis', ready: true }];
    };
    server = await startMetricsServer({ registry: new Registry(), port: 0, readiness: cachedReadiness(check, 1000, () => clock) });
    const replies = await Promise.all(Array.from({ length: 20 }, () => fetch(`${server!.url}/readyz`)));
    expect(replies.every((r) => r.status === 200)).toBe(true);
    for (let i = 0; i < 5; i++) expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    expect(calls).toBe(1);
    clock = 1000;
    await fetch(`${server.url}/readyz`);
    expect(calls).toBe(2);
  });

  it('does not cache a failing check', async () => {
    let calls = 0;
    const check = cachedReadiness(async () => {
      calls++;
      throw new Error('redis down');
    }, 1000, () => 0);
    await expect(check()).rejects.toThrow('redis down');
    await expect(check()).rejects.toThrow('redis down');
    expect(calls).toBe(2);
  });
});
