export { loadConfig, parseServiceConfig, DEFAULT_CONFIG_FILE, type LoadConfigOptions } from './load-config.js';
export { ENV_OVERRIDES, type EnvOverride } from './env-overrides.js';
export {
  serviceConfigSchema,
  type EventsConfig,
  type LoggingConfig,
  type MetricsConfig,
  type ServiceConfig,
  type ShutdownConfig,
} from './service-config.js';
export { kafkaConfigSchema, type KafkaConfig, type KafkaConnectionConfig, type TlsFiles } from './kafka-config.js';
export { redisConfigSchema, type RedisConfig } from './redis-config.js';
export { outputConfigSchema, OUTPUT_GUARANTEES, type OutputConfig, type OutputGuarantee } from './output-config.js';
export { tlsOptions } from './tls-options.js';
