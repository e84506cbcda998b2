import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { ConfigError } from '../errors/index.js';
import { describeIssues } from './config-issues.js';
import { redactSecrets } from './redact-secrets.js';
import { envLayer } from './env-overrides.js';
import { expandEnvRefs } from './expand-env-refs.js';
import { layerAt, parseSetOption } from './parse-set-option.js';
import { deepFreeze, isPlainObject, mergeConfig } from './merge-config.js';
import { serviceConfigSchema, type ServiceConfig } from './service-config.js';

/** The defaults every configuration is merged over (documented key by key). */
export const DEFAULT_CONFIG_FILE = fileURLToPath(new URL('../../config/default.yaml', import.meta.url));

/** Keys holding file paths: relative values are resolved against the file that set them. */
const PATH_KEYS = [
  ['model', 'manifest'],
  ['registry', 'directory'],
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
  /** Values merged over the file and the environment (tests). */
  readonly overrides?: Record<string, unknown>;
  /** `key.path=value` options (`--set`), merged last, in order; see parse-set-option.ts. */
  readonly sets?: readonly string[];
  /** Replaces config/default.yaml (tests). */
  readonly defaultsFile?: string;
}

/**
 * Reads config/default.yaml, merges the `file` over it (its `${VAR}` references expanded from
 * the environment, see expand-env-refs.ts), then the environment overrides (env-overrides.ts),
 * then `overrides`, then each `--set` option; validates the result against the one schema and
 * returns it frozen. Relative paths are resolved against the directory of the file that set them
 * (the working directory for the environment and `--set`). Throws ConfigError naming the key,
 * value and rule.
 */
export async function loadConfig(opts: LoadConfigOptions = {}): Promise<ServiceConfig> {
  const defaultsFile = opts.defaultsFile ?? DEFAULT_CONFIG_FILE;
  const environment = opts.env ?? process.env;
  const sources = new Map<string, string>();
  let merged = await readLayer(defaultsFile, environment);
  if (opts.file) {
    const file = resolve(opts.file);
    const layer = await readLayer(file, environment);
    recordSources(layer, [], `from ${file}`, sources);
    merged = mergeConfig(merged, layer);
  }
  const env = envLayer(environment, (p) => resolve(p));
  for (const [k, s] of env.sources) sources.set(k, s);
  merged = mergeConfig(merged, env.layer);
  if (opts.overrides) {
    recordSources(opts.overrides, [], 'from overrides', sources);
    merged = mergeConfig(merged, opts.overrides);
  }
  for (const set of (opts.sets ?? []).map(parseSetOption)) {
    sources.set(set.key, `from --set ${set.key}`);
    const withValue = mergeConfig(merged, resolvePaths(layerAt(set.key, set.value), process.cwd()));
    // `--set redis.password=123456` reads as a number; where the schema wants text at that key,
    // the text as typed is what was meant.
    const asText = typeof set.value !== 'string' && set.value !== null && textWanted(withValue, set.key);
    merged = asText ? mergeConfig(merged, resolvePaths(layerAt(set.key, set.text), process.cwd())) : withValue;
  }
  return parseServiceConfig(merged, sources, `default from ${defaultsFile}`);
}

/** Whether the schema rejects the value at `key` and would accept text there. */
function textWanted(merged: unknown, key: string): boolean {
  const result = serviceConfigSchema.safeParse(merged);
  if (result.success) return false;
  return result.error.issues.some((i) => i.path.join('.') === key && i.code === 'invalid_type' && i.expected === 'string');
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

async function readLayer(file: string, env: Readonly<Record<string, string | undefined>>): Promise<unknown> {
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
    // The parser's message quotes the offending lines, which may hold a password: only its
    // first line (the rule and position) is kept, and the quoted parser error is not attached.
    if (!(cause instanceof YAMLParseError)) throw new ConfigError(`configuration file ${file} cannot be parsed as YAML`, {}, { cause });
    const where = cause.linePos ? ` line ${cause.linePos[0].line}` : '';
    throw new ConfigError(`configuration file ${file}${where} is not valid YAML: ${redactSecrets(`${cause.code}: ${cause.message.split('\n')[0]}`)}`);
  }
  if (layer === null || layer === undefined) return {};
  if (!isPlainObject(layer)) throw new ConfigError(`configuration file ${file} must hold a mapping of sections (kafka, redis, ...)`);
  return resolvePaths(expandEnvRefs(layer, env, file) as Record<string, unknown>, dirname(file));
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
