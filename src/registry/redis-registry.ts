/**
 * The model registry in Redis, for a fleet of pipelines sharing one registry. Keys under
 * `<prefix>` (registry.keyPrefix):
 *
 *     <prefix>:versions                 sorted set: version id scored by registration time (ms)
 *     <prefix>:version:<id>             hash: manifest (JSON, `version` = id), weights (bytes), info (JSON)
 *     <prefix>:champion                 string: JSON { champion, stack, shadows } (the current and earlier champions, the shadows)
 *     <prefix>:history                  list: JSON ChampionChange, oldest first
 *     channel <prefix>:champion-changes every ChampionChange (shadow list changes too), published after it is stored
 *
 * A version is written once (HSETNX on its hash, in one MULTI with the index), so two processes
 * registering the same bytes agree. Champion moves are optimistic transactions (WATCH on the
 * champion key, retried on conflict). open() writes the version's files to a local cache folder
 * (they never change, so a cached copy is always valid) and returns its manifest path.
 */
import { mkdir, rename, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { RnnStreamError } from '../errors/index.js';
import { readModelArtifact, resolveVersion, STORED_WEIGHTS } from './model-artifact.js';
import type { ChampionChange, ModelRegistry, ModelVersionInfo } from './model-registry.js';
import { promoteIn, rollbackIn, setShadowIn, type ChampionPointer } from './shadow-list.js';

type ChampionState = ChampionPointer;

/** Options of {@link RedisRegistry}. */
export interface RedisRegistryOptions {
  /** A connected client (the registry does not close it unless `ownsClient`). */
  readonly redis: Redis;
  /** Makes a second connection for watchChampion's subscription. */
  readonly subscriber: () => Redis;
  readonly keyPrefix: string;
  /** Where open() materialises versions (default: <tmpdir>/rnn-stream-registry/<prefix>). */
  readonly cacheDirectory?: string;
  readonly ownsClient?: boolean;
}

/** See the file comment. */
export class RedisRegistry implements ModelRegistry {
  private readonly redis: Redis;
  private readonly prefix: string;
  private readonly cache: string;
  private readonly opts: RedisRegistryOptions;

  constructor(opts: RedisRegistryOptions) {
    this.opts = opts;
    this.redis = opts.redis;
    this.prefix = opts.keyPrefix;
    this.cache = opts.cacheDirectory ?? join(tmpdir(), 'rnn-stream-registry', opts.keyPrefix.replace(/[^A-Za-z0-9._-]/g, '_'));
  }

  async register(manifestPath: string, extraProvenance: Readonly<Record<string, unknown>> = {}): Promise<{ info: ModelVersionInfo; created: boolean }> {
    const a = await readModelArtifact(manifestPath, extraProvenance);
    const now = new Date();
    const info: ModelVersionInfo = { ...a.info, registeredAt: now.toISOString() };
    const key = this.key(`version:${a.version}`);
    const result = await this.redis
      .multi()
      .hsetnx(key, 'info', JSON.stringify(info))
      .hsetnx(key, 'manifest', a.manifest)
      .hsetnx(key, 'weights', a.weights)
      .zadd(this.key('versions'), 'NX', now.getTime(), a.version)
      .exec();
    const created = result?.[0]?.[1] === 1;
    return { info: created ? info : await this.read(a.version), created };
  }

  async list(): Promise<ModelVersionInfo[]> {
    return Promise.all((await this.versions()).map((v) => this.read(v)));
  }

  async show(version: string): Promise<ModelVersionInfo> {
    return this.read(resolveVersion(version, await this.versions()));
  }

  async open(version: string): Promise<string> {
    const id = resolveVersion(version, await this.versions());
    const dir = join(this.cache, id);
    const manifestPath = join(dir, 'model.json');
    if (await exists(manifestPath)) return manifestPath;
    const [manifest, weights] = await Promise.all([this.redis.hget(this.key(`version:${id}`), 'manifest'), this.redis.hgetBuffer(this.key(`version:${id}`), 'weights')]);
    if (manifest === null || weights === null) throw new RnnStreamError(`model version ${id} is indexed but its files are missing under ${this.key(`version:${id}`)}`);
    const tmp = `${dir}.tmp-${randomBytes(4).toString('hex')}`;
    await mkdir(tmp, { recursive: true });
    await writeFile(join(tmp, STORED_WEIGHTS), weights);
    await writeFile(join(tmp, 'model.json'), manifest);
    await rename(tmp, dir).catch(async (err: NodeJS.ErrnoException) => {
      // Another process materialised it first: same immutable bytes.
      if (!(await exists(manifestPath))) throw new RnnStreamError(`cannot write model version ${id} to ${dir}`, { cause: err });
    });
    return manifestPath;
  }

  async champion(): Promise<string | null> {
    return (await this.readChampion()).champion;
  }

  async promote(version: string, reason: string): Promise<ChampionChange> {
    const id = resolveVersion(version, await this.versions());
    return this.move((c) => promoteIn(c, id, reason));
  }

  async rollback(reason: string): Promise<ChampionChange> {
    return this.move((c) => rollbackIn(c, reason));
  }

  async shadows(): Promise<string[]> {
    return (await this.readChampion()).shadows ?? [];
  }

  async addShadow(version: string, reason: string): Promise<ChampionChange> {
    const id = resolveVersion(version, await this.versions());
    return this.move((c) => setShadowIn(c, id, true, reason));
  }

  async removeShadow(version: string, reason: string): Promise<ChampionChange> {
    const id = resolveVersion(version, await this.versions());
    return this.move((pointer) => setShadowIn(pointer, id, false, reason));
  }

  async history(): Promise<ChampionChange[]> {
    return (await this.redis.lrange(this.key('history'), 0, -1)).map((s) => JSON.parse(s) as ChampionChange);
  }

  async watchChampion(listener: (change: ChampionChange) => void): Promise<() => Promise<void>> {
    const sub = this.opts.subscriber();
    const channel = this.key('champion-changes');
    sub.on('message', (ch: string, message: string) => {
      if (ch === channel) listener(JSON.parse(message) as ChampionChange);
    });
    await sub.subscribe(channel);
    return async () => {
      await sub.unsubscribe(channel);
      sub.disconnect();
    };
  }

  async close(): Promise<void> {
    if (this.opts.ownsClient) this.redis.disconnect();
  }

  private key(name: string): string {
    return `${this.prefix}:${name}`;
  }

  private async versions(): Promise<string[]> {
    return this.redis.zrange(this.key('versions'), 0, -1);
  }

  private async read(version: string): Promise<ModelVersionInfo> {
    const info = await this.redis.hget(this.key(`version:${version}`), 'info');
    if (info === null) throw new RnnStreamError(`model version ${version} is indexed but has no info under ${this.key(`version:${version}`)}`);
    return JSON.parse(info) as ModelVersionInfo;
  }

  private async readChampion(): Promise<ChampionState> {
    const raw = await this.redis.get(this.key('champion'));
    return raw === null ? { champion: null, stack: [] } : (JSON.parse(raw) as ChampionState);
  }

  /** An optimistic transaction on the champion key: retried when another process moved it first. */
  private async move(change: (c: ChampionState) => ChampionChange): Promise<ChampionChange> {
    const key = this.key('champion');
    for (let attempt = 0; attempt < 50; attempt++) {
      await this.redis.watch(key);
      const c = await this.readChampion();
      let result: ChampionChange;
      try {
        result = change(c);
      } catch (err) {
        await this.redis.unwatch();
        throw err;
      }
      const done = await this.redis.multi().set(key, JSON.stringify(c)).rpush(this.key('history'), JSON.stringify(result)).exec();
      if (done === null) continue;
      await this.redis.publish(this.key('champion-changes'), JSON.stringify(result));
      return result;
    }
    throw new RnnStreamError(`the champion at ${key} kept changing under 50 attempts to move it`);
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
