import { defineConfig } from 'vitest/config';

/** One test configuration for every package: workspace packages resolve to their TypeScript sources. */
export default defineConfig({
  resolve: { conditions: ['@contro1/source'] },
  ssr: { resolve: { conditions: ['@contro1/source'] } },
  test: {
    include: ['src/**/*.test.ts'],
    testTimeout: 30_000,
  },
});
