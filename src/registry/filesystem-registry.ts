/**
 * The model registry on a filesystem (registry.directory):
 *
 *     versions/<id>/model.json          the manifest (its `version` is <id>)
 *     versions/<id>/model.safetensors   the weights
 *     versions/<id>/info.json           ModelVersionInfo
 *     champion.json                     { champion, stack (earlier champions), shadows, history }
 *
 * A version is written to a temporary folder and renamed into place, so it appears whole or
 * not at all, and is never rewritten. champion.json is replaced atomically (write + rename);
 * promotions from several processes at once are serialised by an exclusive lock file.
 * watchChampion polls champion.json (every second by default).
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { RnnStreamError } from '../errors/index.js';
import { readModelArtifact, resolveVersion, STORED_WEIGHTS } from './model-artifact.js';
import type { ChampionChange, ModelRegistry, ModelVersionInfo } from './model-registry.js';
import { promoteIn, rollbackIn, setShadowIn, type ChampionPointer } from './shadow-list.js';

interface ChampionFile extends ChampionPointer {
  history: ChampionChange[];
}

/** Options of {@link FilesystemRegistry}. */
export interface FilesystemRegistryOptions {
  readonly directory: string;
  /** How often watchChampion looks at champion.json, ms. */
  readonly pollMs?: number;
}

/** See the file comment. */
export class FilesystemRegistry implements ModelRegistry {
  private readonly dir: string;
  private readonly pollMs: number;

  constructor(opts: FilesystemRegistryOptions) {
    this.dir = opts.directory;
    this.pollMs = opts.pollMs ?? 1000;
  }

  async register(manifestPath: string, extraProvenance: Readonly<Record<string, unknown>> = {}): Promise<{ info: ModelVersionInfo; created: boolean }> {
    const artifact = await readModelArtifact(manifestPath, extraProvenance);
    const target = join(this.dir, 'versions', artifact.version);
    if (await exists(target)) return { info: await this.show(artifact.version), created: false };
    const tmp = join(this.dir, 'versions', `.tmp-${artifact.version}-${randomBytes(4).toString('hex')}`);
    const info: ModelVersionInfo = { ...artifact.info, registeredAt: new Date().toISOString() };
    try {
      await mkdir(tmp, { recursive: true });
      await writeFile(join(tmp, STORED_WEIGHTS), artifact.weights);
      await writeFile(join(tmp, 'model.json'), artifact.manifest);
      await writeFile(join(tmp, 'info.json'), `${JSON.stringify(info, null, 2)}\n`);
      await rename(tmp, target);
    } catch (cause) {
      await rm(tmp, { recursive: true, force: true });
      // Another process registered the same bytes first: same content, same version.
      if (await exists(join(target, 'info.json'))) return { info: await this.show(artifact.version), created: false };
      throw new RnnStreamError(`cannot write model version ${artifact.version} to ${this.dir}`, { cause });
    }
    return { info, created: true };
  }

  async list(): Promise<ModelVersionInfo[]> {
    const infos = await Promise.all((await this.versions()).map((v) => this.read(v)));
    return infos.sort((a, b) => a.registeredAt.localeCompare(b.registeredAt) || a.version.localeCompare(b.version));
  }

  async show(version: string): Promise<ModelVersionInfo> {
    return this.read(resolveVersion(version, await this.versions()));
  }

  async open(version: string): Promise<string> {
    return join(this.dir, 'versions', resolveVersion(version, await this.versions()), 'model.json');
  }

  async champion(): Promise<string | null> {
    return (await this.readChampion()).champion;
  }

  async promote(version: string, reason: string): Promise<ChampionChange> {
    const id = resolveVersion(version, await this.versions());
    return this.locked(async (c) => promoteIn(c, id, reason));
  }

  async rollback(reason: string): Promise<ChampionChange> {
    return this.locked(async (c) => rollbackIn(c, reason));
  }

  async shadows(): Promise<string[]> {
    return (await this.readChampion()).shadows ?? [];
  }

  async addShadow(version: string, reason: string): Promise<ChampionChange> {
    const id = resolveVersion(version, await this.versions());
    return this.locked(async (c) => setShadowIn(c, id, true, reason));
  }

  async removeShadow(version: string, reason: string): Promise<ChampionChange> {
    const id = resolveVersion(version, await this.versions());
    return this.locked(async (c) => setShadowIn(c, id, false, reason));
  }

  async history(): Promise<ChampionChange[]> {
    return (await this.readChampion()).history;
  }

  async watchChampion(listener: (change: ChampionChange) => void): Promise<() => Promise<void>> {
    let seen = (await this.readChampion()).history.length;
    let running = true;
    const loop = (async () => {
      while (running) {
        await sleep(this.pollMs);
        if (!running) break;
        const history = (await this.readChampion()).history;
        for (const change of history.slice(seen)) listener(change);
        seen = history.length;
      }
    })();
    return async () => {
      running = false;
      await loop;
    };
  }

  async close(): Promise<void> {}

  private async versions(): Promise<string[]> {
    try {
      return (await readdir(join(this.dir, 'versions'))).filter((v) => /^[0-9a-f]+$/.test(v));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw new RnnStreamError(`cannot read the model registry ${this.dir}`, { cause: err });
    }
  }

  private async read(version: string): Promise<ModelVersionInfo> {
    return JSON.parse(await readFile(join(this.dir, 'versions', version, 'info.json'), 'utf-8')) as ModelVersionInfo;
  }

  private async readChampion(): Promise<ChampionFile> {
    try {
      return JSON.parse(await readFile(join(this.dir, 'champion.json'), 'utf-8')) as ChampionFile;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { champion: null, stack: [], history: [] };
      throw new RnnStreamError(`cannot read ${join(this.dir, 'champion.json')}`, { cause: err });
    }
  }

  /** Runs `change` on champion.json under an exclusive lock file, then replaces the file atomically. */
  private async locked(change: (c: ChampionFile) => Promise<ChampionChange>): Promise<ChampionChange> {
    await mkdir(this.dir, { recursive: true });
    const lock = join(this.dir, 'champion.lock');
    const deadline = Date.now() + 10_000;
    for (;;) {
      try {
        await (await open(lock, 'wx')).close();
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new RnnStreamError(`cannot lock ${lock}`, { cause: err });
        if (Date.now() > deadline) throw new RnnStreamError(`${lock} is held by another process (remove it if no registry command is running)`);
        await sleep(20);
      }
    }
    try {
      const c = await this.readChampion();
      const result = await change(c);
      c.history.push(result);
      const tmp = join(this.dir, `.champion-${randomBytes(4).toString('hex')}.json`);
      await writeFile(tmp, `${JSON.stringify(c, null, 2)}\n`);
      await rename(tmp, join(this.dir, 'champion.json'));
      return result;
    } finally {
      await rm(lock, { force: true });
    }
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
