import { defineConfig } from 'vitest/config';

// Unit tests run in parallel forks; integration tests (tests/integration) share one Kafka and
// one Redis, and each uses its own topics and key prefix, so they may run alongside.
export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    testTimeout: 60_000,
    hookTimeout: 180_000,
  },
});
