import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { ConfigError } from '../errors/index.js';
import { describeIssues } from './config-issues.js';
import { envLayer } from './env-overrides.js';
import { deepFreeze, isPlainObject, mergeConfig } from './merge-config.js';
import { serviceConfigSchema, type ServiceConfig } from './service-config.js';

/** The defaults every configuration is merged over (documented key by key). */
export const DEFAULT_CONFIG_FILE = fileURLToPath(new URL('../../config/default.yaml', import.meta.url));

/** Keys holding file paths: relative values are resolved against the file that set them. */
const PATH_KEYS = [
  ['model', 'manifest'],
  ['kafka', 'ssl', 'ca'],
  ['kafka', 'ssl', 'cert'],
  ['kafka', 'ssl', 'key'],
  ['redis', 'tls', 'ca'],
  ['redis', 'tls', 'cert'],
  ['redis', 'tls', 'key'],
] as const;

export interface LoadConfigOptions {
  /** A YAML file merged over the defaults (the `--config` option). */
  readonly file?: string;
  /** Environment to read overrides from; defaults to `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Values merged last, over the file and the environment (tests, command-line flags). */
  readonly overrides?: Record<string, unknown>;
  /** Replaces config/default.yaml (tests). */
  readonly defaultsFile?: string;
}

/**
 * Reads config/default.yaml, merges the `file` over it, then the environment overrides (see
 * env-overrides.ts), then `overrides`; validates the result against the one schema and returns
 * it frozen. Relative paths are resolved against the directory of the file that set them (the
 * working directory for the environment). Throws ConfigError naming the key, value and rule.
 */
export async function loadConfig(opts: LoadConfigOptions = {}): Promise<ServiceConfig> {
  const defaultsFile = opts.defaultsFile ?? DEFAULT_CONFIG_FILE;
  const sources = new Map<string, string>();
  let merged = await readLayer(defaultsFile);
  if (opts.file) {
    const file = resolve(opts.file);
    const layer = await readLayer(file);
    recordSources(layer, [], `from ${file}`, sources);
    merged = mergeConfig(merged, layer);
  }
  const env = envLayer(opts.env ?? process.env, (p) => resolve(p));
  for (const [k, s] of env.sources) sources.set(k, s);
  merged = mergeConfig(merged, env.layer);
  if (opts.overrides) {
    recordSources(opts.overrides, [], 'from overrides', sources);
    merged = mergeConfig(merged, opts.overrides);
  }
  return parseServiceConfig(merged, sources, `default from ${defaultsFile}`);
}

/** Validates an already merged configuration object; see {@link loadConfig}. */
export function parseServiceConfig(
  raw: unknown,
  sources: ReadonlyMap<string, string> = new Map(),
  fallbackSource = 'default',
): ServiceConfig {
  const result = serviceConfigSchema.safeParse(raw);
  if (!result.success) {
    const lines = describeIssues(result.error.issues, raw, sources, fallbackSource);
    const first = result.error.issues[0];
    const key = first.code === 'unrecognized_keys' ? [...first.path, first.keys[0]].join('.') : first.path.join('.');
    throw new ConfigError(`invalid configuration:\n  ${lines.join('\n  ')}`, { key });
  }
  return deepFreeze(result.data);
}

async function readLayer(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf-8');
  } catch (cause) {
    throw new ConfigError(`cannot read configuration file ${file}`, {}, { cause });
  }
  let layer: unknown;
  try {
    layer = parseYaml(text);
  } catch (cause) {
    const where = cause instanceof YAMLParseError && cause.linePos ? ` line ${cause.linePos[0].line}` : '';
    throw new ConfigError(`configuration file ${file}${where} is not valid YAML: ${(cause as Error).message}`, {}, { cause });
  }
  if (layer === null || layer === undefined) return {};
  if (!isPlainObject(layer)) throw new ConfigError(`configuration file ${file} must hold a mapping of sections (kafka, redis, ...)`);
  return resolvePaths(layer, dirname(file));
}

function resolvePaths(layer: Record<string, unknown>, base: string): Record<string, unknown> {
  const out = structuredClone(layer);
  for (const path of PATH_KEYS) {
    let node: unknown = out;
    for (const p of path.slice(0, -1)) node = isPlainObject(node) ? node[p] : undefined;
    const leaf = path[path.length - 1];
    if (isPlainObject(node) && typeof node[leaf] === 'string' && !isAbsolute(node[leaf])) {
      node[leaf] = resolve(base, node[leaf]);
    }
  }
  return out;
}

function recordSources(layer: unknown, path: string[], source: string, sources: Map<string, string>): void {
  if (!isPlainObject(layer)) {
    sources.set(path.join('.'), source);
    return;
  }
  for (const [k, v] of Object.entries(layer)) recordSources(v, [...path, k], source, sources);
}
