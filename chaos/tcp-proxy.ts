/**
 * A loopback TCP proxy the chaos runner controls: it forwards every connection to a target port
 * and can cut all open connections at once (both sides reset), as a network partition or a NAT
 * timeout does mid-script. Listens on 127.0.0.1 only.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';

export class TcpProxy {
  private readonly server: Server;
  private readonly open: Set<Socket>;
  /** Sockets reset so far. */
  dropped = 0;

  private constructor(server: Server, open: Set<Socket>) {
    this.server = server;
    this.open = open;
  }

  /** Starts a proxy on 127.0.0.1:`listenPort` (0: any free port) to 127.0.0.1:`targetPort`. */
  static async start(listenPort: number, targetPort: number): Promise<TcpProxy> {
    const open = new Set<Socket>();
    const server = createServer((client) => {
      const upstream = connect({ host: '127.0.0.1', port: targetPort });
      for (const s of [client, upstream]) {
        open.add(s);
        s.on('close', () => open.delete(s));
      }
      client.pipe(upstream);
      upstream.pipe(client);
      const close = (): void => {
        client.destroy();
        upstream.destroy();
      };
      client.on('error', close).on('close', close);
      upstream.on('error', close).on('close', close);
    });
    const proxy = new TcpProxy(server, open);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(listenPort, '127.0.0.1', () => resolve());
    });
    return proxy;
  }

  /** The port the proxy listens on. */
  get port(): number {
    const address = this.server.address();
    if (address === null || typeof address === 'string') throw new Error('proxy is not listening');
    return address.port;
  }

  /** Resets every open connection (RST to both sides); new connections are accepted again at once. */
  dropAll(): number {
    const n = this.open.size;
    for (const s of [...this.open]) s.resetAndDestroy();
    this.dropped += n;
    return n;
  }

  async close(): Promise<void> {
    this.dropAll();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
