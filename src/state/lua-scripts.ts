import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Cluster, Redis } from 'ioredis';
import { RnnStreamError } from '../errors/rnn-stream-error.js';

/**
 * The store's scripts: command name -> file in ./lua, named `<command>-<numKeys>.lua` (BullMQ
 * style); `-n` means the caller passes the number of keys first (apply-batch: 3 + shadow hashes).
 */
const SCRIPT_FILES = {
  rnnStreamApplyBatch: 'apply-batch-n.lua',
  rnnStreamMarkProduced: 'mark-produced-1.lua',
  rnnStreamLoad: 'load-3.lua',
} as const;

type Arg = string | Buffer | number;

/** The commands {@link defineStateCommands} adds to an ioredis client (KEYS first, then ARGV). */
export interface StateCommands {
  /** numkeys first, then KEYS, then ARGV. */
  rnnStreamApplyBatch(...args: Arg[]): Promise<[number, string]>;
  rnnStreamMarkProduced(...args: Arg[]): Promise<number>;
  /** The load script with bulk replies as Buffers. */
  rnnStreamLoadBuffer(...args: Arg[]): Promise<[Buffer, Buffer, Buffer, number, Buffer[]]>;
}

/**
 * Where the .lua files are: beside this module when running from src/ (tsx, vitest) or when a
 * build copied them; else, for `npm run build` output in dist/state/, the source tree's
 * src/state/lua (tsc does not copy non-TypeScript files).
 */
const CANDIDATE_DIRS = [new URL('./lua/', import.meta.url), new URL('../../src/state/lua/', import.meta.url)];

/** A script file; numberOfKeys undefined: given at each call. */
export interface LuaScript {
  readonly name: string;
  readonly lua: string;
  readonly numberOfKeys: number | undefined;
}

let cache: LuaScript[] | undefined;

/** Reads the script files once per process; throws naming the directories tried when they are missing. */
export function readLuaScripts(): readonly LuaScript[] {
  if (cache) return cache;
  const dir = CANDIDATE_DIRS.find((d) => existsSync(new URL(SCRIPT_FILES.rnnStreamApplyBatch, d)));
  if (!dir) {
    throw new RnnStreamError(
      `Lua scripts of the Redis state store not found; looked in ${CANDIDATE_DIRS.map((d) => fileURLToPath(d)).join(' and ')}`,
    );
  }
  cache = Object.entries(SCRIPT_FILES).map(([name, file]) => ({
    name,
    lua: readFileSync(new URL(file, dir), 'utf8'),
    numberOfKeys: file.endsWith('-n.lua') ? undefined : Number(/-(\d+)\.lua$/.exec(file)?.[1]),
  }));
  return cache;
}

/** Registers the store's scripts on `client` with `defineCommand` (EVALSHA, loaded on first use per connection). */
export function defineStateCommands(client: Redis | Cluster): StateCommands {
  for (const { name, lua, numberOfKeys } of readLuaScripts()) client.defineCommand(name, numberOfKeys === undefined ? { lua } : { lua, numberOfKeys });
  return client as unknown as StateCommands;
}
