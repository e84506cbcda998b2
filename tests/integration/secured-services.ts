/**
 * The secured profile's services (deploy/local/services.sh --profile secured): Kafka over SASL_SSL
 * with SCRAM-SHA-512 and ACLs, Redis over TLS with passwords. Found through the variables that
 * `services.sh --profile secured env` prints; outside CI missing variables skip the secured tests
 * with a hint, under CI=true they fail.
 */
import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { AclOperationTypes, AclPermissionTypes, AclResourceTypes, Kafka, logLevel, ResourcePatternTypes, type Admin } from 'kafkajs';

/** What the secured tests connect to. */
export interface SecuredServices {
  readonly brokers: string[];
  readonly redisUrl: string;
  readonly caFile: string;
  readonly kafkaAdminPassword: string;
  /** Password of the broker's SCRAM user `rnn-stream`, the service's principal. */
  readonly kafkaServicePassword: string;
  readonly redisAdminPassword: string;
}

const env = process.env;
/** The secured services, or undefined when the variables are not set. */
export const secured: SecuredServices | undefined =
  env.SECURED_KAFKA_BROKERS && env.SECURED_REDIS_URL && env.SECURED_CA_FILE
    ? {
        brokers: env.SECURED_KAFKA_BROKERS.split(',').map((b) => b.trim()),
        redisUrl: env.SECURED_REDIS_URL,
        caFile: env.SECURED_CA_FILE,
        kafkaAdminPassword: env.SECURED_KAFKA_ADMIN_PASSWORD ?? '',
        kafkaServicePassword: env.SECURED_KAFKA_SERVICE_PASSWORD ?? '',
        redisAdminPassword: env.SECURED_REDIS_ADMIN_PASSWORD ?? '',
      }
    : undefined;

/** True when the secured tests must be skipped: nothing given and not CI. */
export const skipSecured: boolean = secured === undefined && env.CI !== 'true';

export const MISSING_SECURED_MESSAGE =
  'The secured integration profile needs its services: start them and export their addresses:\n' +
  '  deploy/local/services.sh --profile secured up\n' +
  '  eval "$(deploy/local/services.sh --profile secured env)"\n' +
  '(see docs/local-services.md)';

if (skipSecured) console.warn(`[integration] secured profile skipped: ${MISSING_SECURED_MESSAGE}`);

/** The services, or a failure naming how to start them. */
export function requireSecured(): SecuredServices {
  if (!secured) throw new Error(MISSING_SECURED_MESSAGE);
  return secured;
}

/** A kafkajs client as the broker's super user `admin` (topics, ACLs, test input and output). */
export function adminKafka(s: SecuredServices, clientId: string): Kafka {
  return new Kafka({
    clientId,
    brokers: s.brokers,
    ssl: { ca: [readFileSync(s.caFile, 'utf8')] },
    sasl: { mechanism: 'scram-sha-512', username: 'admin', password: s.kafkaAdminPassword },
    logLevel: logLevel.NOTHING,
  });
}

/** An ioredis client as Redis' `default` user over TLS (creates the service's ACL user). */
export function adminRedis(s: SecuredServices): Redis {
  const url = new URL(s.redisUrl);
  return new Redis({ host: url.hostname, port: Number(url.port), password: s.redisAdminPassword, tls: { ca: [readFileSync(s.caFile, 'utf8')] }, maxRetriesPerRequest: 2 });
}

/** Exactly what the service needs on Kafka (docs/security.md): read input, write output and dead letters, its group. */
export async function grantServiceAcls(admin: Admin, names: { input: string; output: string; dlq: string; group: string }, principal = 'User:rnn-stream'): Promise<void> {
  const allow = (resourceType: AclResourceTypes, resourceName: string, operation: AclOperationTypes) => ({
    resourceType, resourceName, resourcePatternType: ResourcePatternTypes.LITERAL, principal, host: '*', operation, permissionType: AclPermissionTypes.ALLOW,
  });
  await admin.createAcls({
    acl: [
      allow(AclResourceTypes.TOPIC, names.input, AclOperationTypes.READ),
      allow(AclResourceTypes.TOPIC, names.input, AclOperationTypes.DESCRIBE),
      allow(AclResourceTypes.TOPIC, names.output, AclOperationTypes.WRITE),
      allow(AclResourceTypes.TOPIC, names.output, AclOperationTypes.DESCRIBE),
      allow(AclResourceTypes.TOPIC, names.dlq, AclOperationTypes.WRITE),
      allow(AclResourceTypes.TOPIC, names.dlq, AclOperationTypes.DESCRIBE),
      allow(AclResourceTypes.GROUP, names.group, AclOperationTypes.READ),
      allow(AclResourceTypes.GROUP, names.group, AclOperationTypes.DESCRIBE),
    ],
  });
}

/** Removes every ACL of `principal` on the named topics and group. */
export async function revokeServiceAcls(admin: Admin, names: { input: string; output: string; dlq: string; group: string }, principal = 'User:rnn-stream'): Promise<void> {
  const filter = (resourceType: AclResourceTypes, resourceName: string) => ({
    resourceType, resourceName, resourcePatternType: ResourcePatternTypes.LITERAL, principal, host: '*', operation: AclOperationTypes.ANY, permissionType: AclPermissionTypes.ANY,
  });
  await admin.deleteAcls({
    filters: [
      filter(AclResourceTypes.TOPIC, names.input),
      filter(AclResourceTypes.TOPIC, names.output),
      filter(AclResourceTypes.TOPIC, names.dlq),
      filter(AclResourceTypes.GROUP, names.group),
    ],
  });
}
