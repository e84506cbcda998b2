import { parse as parseYaml } from 'yaml';
import { ConfigError } from '../errors/index.js';

const KEY = /^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*)*$/;

/** One parsed `--set` option. */
export interface SetOption {
  /** Dotted key, e.g. `kafka.groupId`. */
  readonly key: string;
  /** The value read as YAML. */
  readonly value: unknown;
  /** The value as typed. */
  readonly text: string;
}

/**
 * One `--set key.path=value` option. The value is read as YAML, so `metrics.port=9465` is a
 * number, `kafka.fromBeginning=false` a boolean, `kafka.sasl=null` null and
 * `kafka.brokers=[a:9092,b:9092]` a list; text that is not valid YAML is kept as typed. Whether
 * the key exists and the value fits is checked by the configuration schema, like a file's.
 */
export function parseSetOption(option: string): SetOption {
  const eq = option.indexOf('=');
  const key = eq === -1 ? option : option.slice(0, eq);
  if (eq === -1 || !KEY.test(key)) {
    throw new ConfigError(`--set ${JSON.stringify(option)}: expected key.path=value with a dotted key such as kafka.groupId=my-group`, { key });
  }
  const text = option.slice(eq + 1);
  let value: unknown = text;
  if (text !== '') {
    try {
      value = parseYaml(text) as unknown;
    } catch {
      value = text;
    }
  }
  return { key, value, text };
}

/** A configuration layer holding `value` at the dotted `key`. */
export function layerAt(key: string, value: unknown): Record<string, unknown> {
  const layer: Record<string, unknown> = {};
  let node = layer;
  const parts = key.split('.');
  for (const part of parts.slice(0, -1)) node = node[part] = {} as Record<string, unknown>;
  node[parts[parts.length - 1]] = value;
  return layer;
}
