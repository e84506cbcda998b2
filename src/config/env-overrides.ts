/**
 * The few environment variables that override configuration keys (secrets and what deployments
 * usually set per environment). This folder is the only place that reads the environment.
 */

/** One environment variable and the configuration key it sets. */
export interface EnvOverride {
  readonly name: string;
  /** Dotted configuration key, e.g. `kafka.sasl.password`. */
  readonly key: string;
  /** `list`: comma-separated values; `int`: a base-10 integer; `string`: taken as is. */
  readonly type: 'string' | 'list' | 'int';
  /** A filesystem path, resolved against the working directory. */
  readonly path?: boolean;
}

/** Every supported override; documented in docs/configuration.md. */
export const ENV_OVERRIDES: readonly EnvOverride[] = [
  { name: 'RNN_STREAM_KAFKA_BROKERS', key: 'kafka.brokers', type: 'list' },
  { name: 'RNN_STREAM_KAFKA_SASL_USERNAME', key: 'kafka.sasl.username', type: 'string' },
  { name: 'RNN_STREAM_KAFKA_SASL_PASSWORD', key: 'kafka.sasl.password', type: 'string' },
  { name: 'RNN_STREAM_REDIS_URL', key: 'redis.url', type: 'string' },
  { name: 'RNN_STREAM_REDIS_MODE', key: 'redis.mode', type: 'string' },
  { name: 'RNN_STREAM_REDIS_CLUSTER_NODES', key: 'redis.clusterNodes', type: 'list' },
  { name: 'RNN_STREAM_REDIS_USERNAME', key: 'redis.username', type: 'string' },
  { name: 'RNN_STREAM_REDIS_PASSWORD', key: 'redis.password', type: 'string' },
  { name: 'RNN_STREAM_MODEL_MANIFEST', key: 'model.manifest', type: 'string', path: true },
  { name: 'RNN_STREAM_METRICS_HOST', key: 'metrics.host', type: 'string' },
  { name: 'RNN_STREAM_METRICS_PORT', key: 'metrics.port', type: 'int' },
  { name: 'RNN_STREAM_LOG_LEVEL', key: 'logging.level', type: 'string' },
];

/**
 * The configuration layer the environment defines, and which key each variable set (for error
 * messages). Unset and empty variables are ignored.
 */
export function envLayer(
  env: Readonly<Record<string, string | undefined>>,
  resolvePath: (p: string) => string,
): { layer: Record<string, unknown>; sources: Map<string, string> } {
  const layer: Record<string, unknown> = {};
  const sources = new Map<string, string>();
  for (const o of ENV_OVERRIDES) {
    const raw = env[o.name]?.trim();
    if (!raw) continue;
    let value: unknown = raw;
    if (o.type === 'list') value = raw.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
    // A non-integer is kept as text so that validation reports it with the key and the rule.
    else if (o.type === 'int' && /^-?\d+$/.test(raw)) value = Number(raw);
    else if (o.path) value = resolvePath(raw);
    setPath(layer, o.key.split('.'), value);
    sources.set(o.key, `environment variable ${o.name}`);
  }
  return { layer, sources };
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (const part of path.slice(0, -1)) {
    const next = node[part];
    if (typeof next !== 'object' || next === null) node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  node[path[path.length - 1]] = value;
}
