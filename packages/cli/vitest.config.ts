import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@contro1/source'] },
  ssr: { resolve: { conditions: ['@contro1/source'] } },
  test: {
    include: ['src/**/*.test.ts'],
    testTimeout: 20_000,
  },
});
