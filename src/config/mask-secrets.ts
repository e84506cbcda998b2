import { isPlainObject } from './merge-config.js';

/** What a masked secret is shown as. */
export const MASK = '********';

/** Keys whose values are secrets wherever they appear (SASL and Redis passwords, TLS private keys). */
const SECRET_KEYS = new Set(['password', 'passphrase', 'key']);

/**
 * A copy of a configuration value with its secrets masked, for printing: values of `password`,
 * `passphrase` and TLS `key` entries, and the password part of any URL
 * (`redis://user:secret@host` becomes `redis://user:********@host`). Nulls stay null, so an
 * unset secret still shows as unset.
 */
export function maskSecrets(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) return value.map((v) => maskSecrets(v));
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = maskSecrets(v, k);
    return out;
  }
  if (value === null || value === undefined) return value;
  if (SECRET_KEYS.has(key)) return MASK;
  if (typeof value === 'string') return maskUrlPassword(value);
  return value;
}

function maskUrlPassword(text: string): string {
  if (!/^[a-z][a-z0-9+.-]*:\/\/[^/]*@/i.test(text)) return text;
  try {
    const url = new URL(text);
    if (url.password === '') return text;
    url.password = MASK;
    return url.toString();
  } catch {
    // Not parseable as a URL: hide everything between the scheme and the host.
    return text.replace(/(:\/\/)[^/@]*@/, `$1${MASK}@`);
  }
}
