/**
 * Samples the pipeline's lag once a second from outside: the input topic's log end per partition
 * (Kafka) minus the applied watermark + 1 stored in Redis (read directly, not through the proxy).
 * Samples that fail (a service down) are skipped.
 */
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { Redis } from 'ioredis';

export interface LagSample {
  readonly at: number;
  readonly lag: number;
}

export class LagMonitor {
  readonly samples: LagSample[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly admin: Admin;
  private readonly redis: Redis;
  private busy = false;

  constructor(brokers: string[], redisUrl: string, private readonly topic: string, private readonly keyPrefix: string, private readonly partitions: number) {
    this.admin = new Kafka({ clientId: 'chaos-lag', brokers, logLevel: logLevel.NOTHING, retry: { retries: 0 }, requestTimeout: 2000, connectionTimeout: 1000 }).admin();
    this.redis = new Redis(redisUrl, { maxRetriesPerRequest: 0, enableOfflineQueue: false, lazyConnect: true, commandTimeout: 2000 });
    this.redis.on('error', () => undefined);
  }

  async start(): Promise<void> {
    await this.admin.connect();
    await this.redis.connect().catch(() => undefined);
    this.timer = setInterval(() => void this.sample(), 1000);
  }

  /** The latest lag measured (Infinity before any). */
  current(): number {
    return this.samples.at(-1)?.lag ?? Infinity;
  }

  /** Seconds from `healedAt` until the first sample with lag below `threshold`; null if none. */
  recoverySeconds(healedAt: number, threshold: number): number | null {
    const s = this.samples.find((x) => x.at >= healedAt && x.lag < threshold);
    return s ? (s.at - healedAt) / 1000 : null;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.admin.disconnect().catch(() => undefined);
    this.redis.disconnect();
  }

  /** Lag now, or null when a service does not answer. */
  async measure(): Promise<number | null> {
    try {
      const ends = await this.admin.fetchTopicOffsets(this.topic);
      const keys = Array.from({ length: this.partitions }, (_, p) => `${this.keyPrefix}:{${this.topic}:${p}}:wm`);
      const wms = await this.redis.mget(...keys);
      let lag = 0;
      for (const e of ends) lag += Math.max(0, Number(e.high) - (Number(wms[e.partition] ?? -1) + 1));
      return lag;
    } catch {
      return null;
    }
  }

  private async sample(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const lag = await this.measure();
      if (lag !== null) this.samples.push({ at: Date.now(), lag });
    } finally {
      this.busy = false;
    }
  }
}
