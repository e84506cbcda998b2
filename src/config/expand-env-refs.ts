import { parse as parseYaml } from 'yaml';
import { ConfigError } from '../errors/index.js';
import { isPlainObject } from './merge-config.js';

/** `${NAME}`, `${NAME:-default}`, or the escape `$${...}` (a literal `${...}`). */
const REFERENCE = /\$(\$?)\{([^}]*)\}/g;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Replaces `${NAME}` references in every string value of a parsed configuration layer with the
 * environment variable's value (`${NAME:-fallback}` uses `fallback` when NAME is unset or empty).
 * A value that is exactly one reference takes the variable's value as a YAML scalar, so
 * `port: ${METRICS_PORT}` gives a number; references inside a longer string are substituted as
 * text. `$${...}` is kept as a literal `${...}`. An unset variable without a fallback is a
 * ConfigError naming the key, the variable and the file. Keys are never expanded; the input is
 * not modified.
 */
export function expandEnvRefs(layer: unknown, env: Readonly<Record<string, string | undefined>>, file: string, path: readonly string[] = []): unknown {
  if (Array.isArray(layer)) return layer.map((v, i) => expandEnvRefs(v, env, file, [...path, String(i)]));
  if (isPlainObject(layer)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(layer)) out[k] = expandEnvRefs(v, env, file, [...path, k]);
    return out;
  }
  if (typeof layer !== 'string' || !layer.includes('${')) return layer;
  const key = path.join('.');
  const lookup = (ref: string): string => {
    const sep = ref.indexOf(':-');
    const name = sep === -1 ? ref : ref.slice(0, sep);
    if (!NAME.test(name)) {
      throw new ConfigError(`${file}: ${key} has a malformed reference \${${ref}} (expected \${NAME} or \${NAME:-default}; write $\${...} for a literal)`, { key });
    }
    const value = env[name];
    if (value !== undefined && value !== '') return value;
    if (sep !== -1) return ref.slice(sep + 2);
    throw new ConfigError(`${file}: ${key} references \${${name}}, but the environment variable ${name} is not set (write $\${${name}} for a literal)`, { key });
  };
  const whole = /^\$\{([^}]*)\}$/.exec(layer);
  if (whole) return scalar(lookup(whole[1]));
  return layer.replace(REFERENCE, (_match, escaped: string, ref: string) => (escaped ? `\${${ref}}` : lookup(ref)));
}

/** A variable's value read as a YAML scalar (number, boolean, null), else the text itself. */
function scalar(text: string): unknown {
  try {
    const v: unknown = parseYaml(text);
    return typeof v === 'number' || typeof v === 'boolean' ? v : text;
  } catch {
    return text;
  }
}
