/**
 * The chaos runner's own Kafka and Redis: started, killed and restarted through
 * deploy/local/services.sh with the runner's ports and state folder, never the shared ones. Redis
 * runs with an append-only file; `appendfsync` is switched per scenario (CONFIG SET), and the
 * AOF's growth is sampled so that a scenario can cut it back to an earlier size before a restart:
 * what `appendfsync everysec` loses when the machine (not only the process) dies.
 */
import { execFile } from 'node:child_process';
import { readFileSync, readdirSync, statSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';

const run = promisify(execFile);

/** Ports and folder of the runner's services (defaults distinct from the shared 19092/16379). */
export interface ServicePorts {
  readonly kafkaPort: number;
  readonly controllerPort: number;
  readonly redisPort: number;
  readonly dir: string;
}

export class ChaosServices {
  private readonly env: NodeJS.ProcessEnv;

  constructor(readonly root: string, readonly ports: ServicePorts) {
    const env: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('RNN_STREAM_')) env[k] = v;
    this.env = {
      ...env,
      RNN_STREAM_KAFKA_PORT: String(ports.kafkaPort),
      RNN_STREAM_KAFKA_CONTROLLER_PORT: String(ports.controllerPort),
      RNN_STREAM_REDIS_PORT: String(ports.redisPort),
      RNN_STREAM_SERVICES_DIR: ports.dir,
    };
  }

  get brokers(): string[] {
    return [`127.0.0.1:${this.ports.kafkaPort}`];
  }

  get redisUrl(): string {
    return `redis://127.0.0.1:${this.ports.redisPort}`;
  }

  /** Starts whatever is not running and waits until both answer. */
  async up(): Promise<void> {
    await run(join(this.root, 'deploy/local/services.sh'), ['up'], { env: this.env, maxBuffer: 1 << 24 });
  }

  async down(): Promise<void> {
    await run(join(this.root, 'deploy/local/services.sh'), ['down'], { env: this.env, maxBuffer: 1 << 24 });
  }

  /** kill -9 of the broker's JVM. */
  killKafka(): void {
    process.kill(this.pid('kafka/kafka.pid'), 'SIGKILL');
  }

  /** kill -9 of redis-server. */
  killRedis(): void {
    process.kill(this.pid('redis/redis.pid'), 'SIGKILL');
  }

  /** Sets Redis' appendfsync policy (always | everysec) on the running server. */
  async setAppendFsync(policy: 'always' | 'everysec'): Promise<void> {
    const redis = new Redis(this.redisUrl, { maxRetriesPerRequest: 2 });
    try {
      await redis.config('SET', 'appendfsync', policy);
      // No rewrite during a run: a cut must hit the file that holds the latest writes.
      await redis.config('SET', 'auto-aof-rewrite-percentage', '0');
    } finally {
      redis.disconnect();
    }
  }

  /** The AOF file Redis appends to now (Redis 7 multi-part AOF: the manifest's `type i` file). */
  appendFile(): string {
    const dir = join(this.ports.dir, 'redis', 'appendonlydir');
    const manifest = readdirSync(dir).find((f) => f.endsWith('.manifest'));
    if (!manifest) throw new Error(`no AOF manifest in ${dir}`);
    const incr = readFileSync(join(dir, manifest), 'utf8')
      .split('\n')
      .map((line) => /file (\S+) seq \d+ type i/.exec(line)?.[1])
      .filter((f): f is string => f !== undefined)
      .at(-1);
    if (!incr) throw new Error(`no incremental AOF in ${join(dir, manifest)}`);
    return join(dir, incr);
  }

  appendFileSize(): number {
    return statSync(this.appendFile()).size;
  }

  /** Cuts the (stopped) server's AOF back to `size` bytes: the writes after it are lost. */
  truncateAppendFile(size: number): number {
    const file = this.appendFile();
    const before = statSync(file).size;
    if (size < before) truncateSync(file, size);
    return before - Math.min(size, before);
  }

  private pid(file: string): number {
    const pid = Number(readFileSync(join(this.ports.dir, file), 'utf8').trim());
    if (!Number.isInteger(pid) || pid <= 0) throw new Error(`no pid in ${file}`);
    return pid;
  }
}
