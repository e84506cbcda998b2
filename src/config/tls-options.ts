import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { ConfigError } from '../errors/index.js';
import type { TlsFiles } from './kafka-config.js';

/**
 * Node TLS options from a `ssl`/`tls` configuration value: false (no TLS), true (system CAs),
 * or PEM files. A file that cannot be read is a ConfigError naming the key and the path.
 */
export function tlsOptions(tls: boolean | TlsFiles, keyName: string): boolean | ConnectionOptions {
  if (typeof tls === 'boolean') return tls;
  const out: ConnectionOptions = {};
  for (const field of ['ca', 'cert', 'key'] as const) {
    const path = tls[field];
    if (path === undefined) continue;
    try {
      out[field] = readFileSync(path);
    } catch (cause) {
      throw new ConfigError(`${keyName}.${field} = ${JSON.stringify(path)}: cannot read the file`, { key: `${keyName}.${field}` }, { cause });
    }
  }
  if (tls.rejectUnauthorized !== undefined) out.rejectUnauthorized = tls.rejectUnauthorized;
  if (tls.servername !== undefined) out.servername = tls.servername;
  return out;
}
