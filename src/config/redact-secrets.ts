/**
 * Masking of secrets in text that leaves the process (error messages, logs): passwords inside
 * URLs (`redis://user:pw@host`), values of secret-named keys, PEM private keys.
 */

/** Shown instead of a secret. */
export const REDACTED = '<redacted>';

/** `scheme://userinfo@`: the password (or, without a colon, the whole userinfo) is masked. */
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/@"'<>]*)@/gi;
const PEM_BLOCK = /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g;
/**
 * Keys whose values are secrets wherever they appear (`sasl` may be written as one string; `key`
 * is a TLS private key or its path).
 */
const SECRET_KEYS = new Set(['password', 'passphrase', 'secret', 'token', 'sasl', 'pfx', 'key']);

/** `text` with URL passwords and PEM private keys masked. */
export function redactSecrets(text: string): string {
  return text
    .replace(URL_USERINFO, (_, scheme: string, info: string) => {
      const colon = info.indexOf(':');
      return `${scheme}${colon >= 0 ? `${info.slice(0, colon)}:${REDACTED}` : REDACTED}@`;
    })
    .replace(PEM_BLOCK, REDACTED);
}

/** Whether the value at a dotted configuration path is a secret as a whole. */
export function isSecretPath(path: readonly string[]): boolean {
  const i = path.findIndex((p) => SECRET_KEYS.has(p.toLowerCase()));
  if (i < 0) return false;
  // Inside `sasl`, the mechanism and the user name may be shown; everything else is secret.
  const rest = path.slice(i + 1);
  return !(path[i] === 'sasl' && rest.length === 1 && (rest[0] === 'mechanism' || rest[0] === 'username'));
}

/**
 * A copy of a configuration value safe to print (`config check`, config errors): secret keys
 * masked, strings redacted. Null and undefined stay as they are, so an unset secret shows as unset.
 */
export function redactValue(value: unknown, path: readonly string[] = []): unknown {
  if (value === null || value === undefined) return value;
  // Objects are walked, so that inside `sasl` the mechanism and user name still show.
  if (Array.isArray(value)) return value.map((v, i) => redactValue(v, [...path, String(i)]));
  if (typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactValue(v, [...path, k])]));
  }
  if (isSecretPath(path)) return REDACTED;
  if (typeof value === 'string') return redactSecrets(value);
  return value;
}
