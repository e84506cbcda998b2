import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe } from 'vitest';
import { RedisRegistry } from '../../src/registry/redis-registry.js';
import { registryContract } from '../registry/registry-contract.js';
import { integrationServices, skipIntegration, uniqueName, type IntegrationServices } from './services.js';

describe.skipIf(skipIntegration)('RedisRegistry on a real Redis', () => {
  let services: IntegrationServices;
  const clients: Redis[] = [];
  const prefixes: string[] = [];
  beforeAll(async () => {
    services = await integrationServices();
  });
  afterAll(async () => {
    const redis = clients[0];
    for (const p of prefixes) {
      const keys = await redis.keys(`${p}:*`);
      if (keys.length > 0) await redis.del(...keys);
    }
    for (const c of clients) c.disconnect();
    await services?.stop();
  });

  registryContract(async () => {
    const prefix = uniqueName('it-registry');
    prefixes.push(prefix);
    const redis = new Redis(services.redisUrl);
    clients.push(redis);
    return new RedisRegistry({
      redis,
      subscriber: () => {
        const sub = new Redis(services.redisUrl);
        clients.push(sub);
        return sub;
      },
      keyPrefix: prefix,
    });
  });
});
