/**
 * Recognises the expected access failures among an error's causes, so the CLI can name the real
 * cause (instead of "max retries per request" or "Topic creation errors") and exit with
 * {@link ACCESS_FAILURE_EXIT_CODE}, without a stack trace.
 */

/** Exit code of a run stopped by authentication, authorization or TLS failure (docs/security.md). */
export const ACCESS_FAILURE_EXIT_CODE = 3;

/** What was denied, and the message to print. */
export interface AccessFailure {
  readonly kind: 'redis_auth' | 'redis_acl' | 'kafka_sasl' | 'kafka_acl' | 'tls';
  readonly text: string;
}

const TLS_CODES = /^(ERR_SSL_|ERR_TLS_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT|CERT_|HOSTNAME_MISMATCH)/;
const KAFKA_ACL_TYPES = /^(TOPIC|GROUP|CLUSTER|TRANSACTIONAL_ID|DELEGATION_TOKEN)_AUTHORIZATION_FAILED$/;

/** Every error reachable from `error` through `cause`, `errors` (aggregates) and kafkajs' `originalError`. */
function causes(error: unknown): Error[] {
  const out: Error[] = [];
  const queue: unknown[] = [error];
  while (queue.length > 0 && out.length < 32) {
    const e = queue.shift();
    if (!(e instanceof Error) || out.includes(e)) continue;
    out.push(e);
    const r = e as Error & { errors?: unknown; originalError?: unknown };
    queue.push(r.cause, r.originalError);
    if (Array.isArray(r.errors)) queue.push(...(r.errors as unknown[]));
  }
  return out;
}

/** The first access failure found among the causes of `error`, or undefined. */
export function accessFailure(error: unknown): AccessFailure | undefined {
  for (const e of causes(error)) {
    const code = (e as NodeJS.ErrnoException).code;
    const type = (e as { type?: unknown }).type;
    if (/^WRONGPASS\b/.test(e.message) || /^ERR invalid password/.test(e.message)) {
      return { kind: 'redis_auth', text: 'Redis authentication failed (WRONGPASS: wrong user name or password, or the user is disabled)' };
    }
    if (/^NOAUTH\b/.test(e.message)) return { kind: 'redis_auth', text: 'Redis requires authentication (NOAUTH): set redis.username and redis.password' };
    if (/^NOPERM\b/.test(e.message)) {
      return { kind: 'redis_acl', text: `Redis ACL denied a command (${e.message.split('\n')[0]}): the user needs the command set in docs/security.md` };
    }
    if (e.name === 'KafkaJSSASLAuthenticationError' || /^SASL\b.*authentication failed/i.test(e.message) || type === 'SASL_AUTHENTICATION_FAILED' || type === 'ILLEGAL_SASL_STATE') {
      return { kind: 'kafka_sasl', text: `Kafka SASL authentication failed (${e.message.split('\n')[0]}): check kafka.sasl mechanism, username and password` };
    }
    if (typeof type === 'string' && KAFKA_ACL_TYPES.test(type)) {
      return { kind: 'kafka_acl', text: `Kafka ACL denied the request (${type}): the principal needs the ACLs in docs/security.md` };
    }
    if ((typeof code === 'string' && TLS_CODES.test(code)) || /SSL routines|wrong version number|certificate|handshake/i.test(e.message)) {
      return { kind: 'tls', text: `TLS handshake failed (${code ?? e.message.split('\n')[0]}): check the CA, certificate, server name and that the port speaks TLS` };
    }
  }
  return undefined;
}
