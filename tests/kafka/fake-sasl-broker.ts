/**
 * A TCP listener on 127.0.0.1 that speaks just enough of the Kafka protocol to take a client
 * through SASL: ApiVersions (v0-2), SaslHandshake (v0-1, accepting whatever mechanism is asked)
 * and SaslAuthenticate (v0-1, always refused with SASL_AUTHENTICATION_FAILED). It records what
 * arrives, so a test can see what a client really sends on the wire: a TLS ClientHello instead
 * of a Kafka request, the mechanism, and the authentication bytes. Anything else closes the
 * connection.
 */
import { createServer, type Server, type Socket } from 'node:net';

/** One Kafka request as received: its header and raw body. */
export interface ReceivedRequest {
  readonly apiKey: number;
  readonly apiVersion: number;
  readonly clientId: string | null;
  readonly body: Buffer;
}

export interface FakeSaslBroker {
  readonly address: string;
  /** The first bytes of every connection, before any parsing. */
  readonly firstBytes: Buffer[];
  readonly requests: ReceivedRequest[];
  /** Resolves with the first bytes of the first connection. */
  firstConnection(): Promise<Buffer>;
  close(): Promise<void>;
}

const API_VERSIONS = 18;
const SASL_HANDSHAKE = 17;
const SASL_AUTHENTICATE = 36;
const SASL_AUTHENTICATION_FAILED = 58;

export async function startFakeSaslBroker(): Promise<FakeSaslBroker> {
  const firstBytes: Buffer[] = [];
  const requests: ReceivedRequest[] = [];
  const sockets = new Set<Socket>();
  let onFirst!: (bytes: Buffer) => void;
  const first = new Promise<Buffer>((resolve) => (onFirst = resolve));
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let pending = Buffer.alloc(0);
    let seenFirst = false;
    socket.on('data', (chunk: Buffer) => {
      if (!seenFirst) {
        seenFirst = true;
        firstBytes.push(chunk);
        onFirst(chunk);
      }
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 4 && pending.length >= 4 + pending.readInt32BE(0)) {
        const size = pending.readInt32BE(0);
        const frame = pending.subarray(4, 4 + size);
        pending = pending.subarray(4 + size);
        const reply = answer(frame, requests);
        if (reply === null) {
          socket.destroy();
          return;
        }
        socket.write(reply);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    address: `127.0.0.1:${port}`,
    firstBytes,
    requests,
    firstConnection: () => first,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function answer(frame: Buffer, requests: ReceivedRequest[]): Buffer | null {
  if (frame.length < 10) return null;
  const apiKey = frame.readInt16BE(0);
  const apiVersion = frame.readInt16BE(2);
  const correlationId = frame.readInt32BE(4);
  const idLength = frame.readInt16BE(8);
  const clientId = idLength < 0 ? null : frame.toString('utf8', 10, 10 + idLength);
  const body = frame.subarray(10 + Math.max(0, idLength));
  requests.push({ apiKey, apiVersion, clientId, body });
  const out: Buffer[] = [int32(correlationId)];
  switch (apiKey) {
    case API_VERSIONS: {
      const apis = [[API_VERSIONS, 0, 2], [SASL_HANDSHAKE, 0, 1], [SASL_AUTHENTICATE, 0, 1]];
      out.push(int16(0), int32(apis.length), ...apis.flatMap(([k, min, max]) => [int16(k), int16(min), int16(max)]));
      if (apiVersion >= 1) out.push(int32(0));
      break;
    }
    case SASL_HANDSHAKE: {
      const mechanism = body.toString('utf8', 2, 2 + body.readInt16BE(0));
      out.push(int16(0), int32(1), string(mechanism));
      break;
    }
    case SASL_AUTHENTICATE:
      out.push(int16(SASL_AUTHENTICATION_FAILED), string('refused by the test broker'), int32(0));
      if (apiVersion >= 1) out.push(Buffer.alloc(8));
      break;
    default:
      return null;
  }
  const payload = Buffer.concat(out);
  return Buffer.concat([int32(payload.length), payload]);
}

/** The mechanism of a SaslHandshake request body. */
export function handshakeMechanism(body: Buffer): string {
  return body.toString('utf8', 2, 2 + body.readInt16BE(0));
}

/** The authentication bytes of a SaslAuthenticate request body. */
export function authenticateBytes(body: Buffer): Buffer {
  return body.subarray(4, 4 + body.readInt32BE(0));
}

const int16 = (v: number) => {
  const b = Buffer.alloc(2);
  b.writeInt16BE(v);
  return b;
};
const int32 = (v: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(v);
  return b;
};
const string = (s: string) => Buffer.concat([int16(Buffer.byteLength(s)), Buffer.from(s)]);

export const KAFKA_API = { API_VERSIONS, SASL_HANDSHAKE, SASL_AUTHENTICATE } as const;
