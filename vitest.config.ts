import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'src/**/*.test.ts',
      'test/**/*.test.ts',
      'bench/**/*.test.ts',
      // The console's pure helpers (no DOM): scales and formats.
      'web/src/**/*.test.ts',
    ],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Two cores: PGlite and scrypt are CPU-bound, so more workers only add contention.
    maxWorkers: 2,
  },
});
